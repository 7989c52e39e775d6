// Messages from the portal (inside HIS iframes) to the HIS page. Only ever posted to the exact HIS origins the server
// configured for this launch's client; never to "*".
export function post(type, payload, origins) {
  if (window.parent === window || !Array.isArray(origins)) return;
  const message = Object.assign({ source: 'workstation', type: type }, payload || {});
  for (const origin of origins) {
    window.parent.postMessage(message, origin);
  }
}
