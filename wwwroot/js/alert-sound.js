// Plays the critical-value alarm. Browsers may refuse sound before the first user gesture; the dialog is visible anyway.
export async function play() {
  try {
    const audio = new Audio('/sounds/critical.wav');
    await audio.play();
    return true;
  } catch {
    return false;
  }
}
