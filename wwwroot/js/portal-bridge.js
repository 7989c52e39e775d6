// Messages from the portal (inside HIS iframes) to the HIS page. Only ever posted to the exact HIS origins the server
// configured for this launch's client; never to "*".
// The origins arrive as one space-separated string (an origin has no spaces).
export function post(type, payload, origins) {
  const targets = typeof origins === 'string' ? origins.split(' ').filter(Boolean) : origins;
  if (window.parent === window || !Array.isArray(targets)) return;
  // The payload arrives as JSON text (see DoctorSession.PostToHisAsync).
  const data = typeof payload === 'string' ? JSON.parse(payload) : payload;
  const message = Object.assign({ source: 'workstation', type: type }, data || {});
  for (const origin of targets) {
    window.parent.postMessage(message, origin);
  }
}
