/*
 * Workstation embed script for HIS pages (see docs/embedding.md).
 *
 *   <script src="https://portal.hospital.example/workstation-embed.js"></script>
 *   Workstation.mount({ container: '#recognition', launchUrl: signedOrCodeLaunchUrl });
 *   const result = await Workstation.checkOrder([{ lineId: 'L001', itemCode: 'L001' }], { draftOrderId: 'O123', stage: 'add' });
 *
 * Critical values arrive live over SignalR (/hubs/alerts): the HIS page shows a red banner even when the portal's
 * panel is small or closed; "立即处理" opens the portal's read-back and handling dialog in the same overlay. The banner
 * goes into mount's `alertContainer` when HIS gives one (in the page's flow, so nothing is covered); otherwise it is
 * docked at the bottom of the window, leaving the HIS header and its controls usable.
 *
 * Events (Workstation.on): 'ready', 'badge', 'decided', 'alert', 'live', and 'rechecked' — lines checked as
 * 'not-checked' during a platform outage were re-checked when it came back: { checkId, draftOrderId, stage, status:
 * 'duplicates' | 'decided' | 'clear', lines: [...] }. A line with duplicate=true and no decision needs one: HIS marks it
 * and the next checkOrder (or the portal's own notice) opens the forced dialog; /api/v1/orders/validate answers 409
 * for it until then.
 *
 * checkOrder resolves with { status: 'clear' | 'decided' | 'not-checked', reason?, lines: [...] }. When a line duplicates
 * a recognisable result it first opens a full-window overlay with the portal's decision dialog; the overlay has no
 * close control and ignores Escape and clicks outside: it goes away only when the doctor has decided every line.
 * If the portal or platform does not answer, the promise resolves as 'not-checked' so the doctor is never blocked.
 */
(function () {
  'use strict';
  if (window.Workstation) return;

  var CHECK_TIMEOUT_MS = 6000;
  var state = { origin: null, frame: null, session: null, overlay: null, pending: {}, handlers: {}, hub: null, banners: {}, alertContainer: null };

  function emit(event, data) {
    (state.handlers[event] || []).forEach(function (fn) { try { fn(data); } catch (e) { console.error(e); } });
  }

  function on(event, fn) {
    (state.handlers[event] = state.handlers[event] || []).push(fn);
  }

  function mount(options) {
    var container = typeof options.container === 'string' ? document.querySelector(options.container) : options.container;
    if (!container) throw new Error('Workstation.mount: container not found');
    var url = new URL(options.launchUrl, window.location.href);
    state.alertContainer = options.alertContainer
      ? (typeof options.alertContainer === 'string' ? document.querySelector(options.alertContainer) : options.alertContainer)
      : null;
    state.origin = url.origin;
    state.session = null; // a new launch (e.g. another patient) never reuses the previous session
    disconnectHub();
    if (!state.frame || state.frame.parentNode !== container) {
      state.frame = document.createElement('iframe');
      state.frame.title = options.title || '检查检验互认';
      state.frame.setAttribute('data-workstation', 'badge');
      state.frame.style.cssText = 'width:100%;height:100%;border:0;display:block;';
      container.replaceChildren(state.frame);
    }
    state.frame.src = url.toString();
    return state.frame;
  }

  function removeOverlay() {
    if (state.overlay) {
      state.overlay.element.remove();
      document.removeEventListener('keydown', state.overlay.trapKeys, true);
      state.overlay = null;
    }
  }

  function finish(requestId, result) {
    var pending = state.pending[requestId];
    if (!pending) return;
    delete state.pending[requestId];
    clearTimeout(pending.timer);
    removeOverlay();
    pending.resolve(result);
    emit('decided', result);
  }

  function notChecked(items, reason) {
    return { status: 'not-checked', reason: reason, lines: items.map(function (i) { return { lineId: i.lineId, itemCode: i.itemCode, duplicate: false }; }) };
  }

  function createOverlay(path, requestId) {
    var element = document.createElement('div');
    element.setAttribute('data-workstation', 'overlay');
    element.setAttribute('role', 'dialog');
    element.setAttribute('aria-modal', 'true');
    element.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(15,23,42,.55);visibility:hidden;';
    var frame = document.createElement('iframe');
    frame.title = '互认工作站';
    frame.style.cssText = 'position:absolute;inset:3vh 3vw;width:94vw;height:94vh;border:0;border-radius:8px;background:#fff;box-shadow:0 10px 40px rgba(0,0,0,.35);';
    frame.src = state.origin + path;
    element.appendChild(frame);
    // Clicks outside the dialog and Escape do nothing: the doctor must finish in the portal.
    element.addEventListener('click', function (e) { e.stopPropagation(); });
    var trapKeys = function (e) { if (state.overlay && state.overlay.visible && e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); } };
    document.addEventListener('keydown', trapKeys, true);
    document.body.appendChild(element);
    state.overlay = { element: element, frame: frame, trapKeys: trapKeys, visible: false, requestId: requestId };
    return state.overlay;
  }

  // Live alerts: the HIS page itself shows critical values, even when the portal panel is small or closed.
  function connectHub() {
    if (state.hub || !state.session) return;
    var start = function () {
      var hub = new window.signalR.HubConnectionBuilder()
        // The token is in the URL; no cookies are sent (HIS browsers often block third-party cookies anyway).
        .withUrl(state.origin + '/hubs/alerts?s=' + encodeURIComponent(state.session), { withCredentials: false })
        .withAutomaticReconnect()
        .build();
      hub.on('alert', showAlert);
      hub.onreconnected(function () { /* the hub replays open alerts on connect */ });
      state.hub = hub;
      hub.start()
        .then(function () { if (state.frame) state.frame.setAttribute('data-live', 'true'); emit('live', {}); })
        .catch(function (e) { console.warn('Workstation alerts unavailable', e); state.hub = null; });
    };
    if (window.signalR) { start(); return; }
    var script = document.createElement('script');
    script.src = state.origin + '/lib/signalr/signalr.min.js';
    script.onload = start;
    document.head.appendChild(script);
  }

  function disconnectHub() {
    if (state.hub) { state.hub.stop(); state.hub = null; }
    if (state.frame) state.frame.removeAttribute('data-live');
    Object.keys(state.banners).forEach(function (id) { state.banners[id].remove(); });
    state.banners = {};
  }

  function showAlert(alert) {
    emit('alert', alert);
    var existing = state.banners[alert.id];
    if (alert.status === 'handled' || alert.tier !== 'critical') {
      if (existing) { existing.remove(); delete state.banners[alert.id]; }
      return;
    }
    if (existing) return;
    var banner = document.createElement('div');
    banner.setAttribute('data-workstation', 'alert-banner');
    banner.setAttribute('role', 'alert');
    // In HIS's own slot when it gave one; otherwise docked at the bottom: the HIS header and controls stay usable.
    var docked = !state.alertContainer;
    banner.style.cssText = (docked ? 'position:fixed;bottom:0;left:0;right:0;z-index:2147483646;box-shadow:0 -2px 8px rgba(0,0,0,.3);' : '') +
      'display:flex;gap:12px;align-items:center;padding:8px 16px;background:#b71c1c;color:#fff;font:600 15px/1.4 sans-serif;';
    var text = document.createElement('span');
    text.textContent = '危急值：' + alert.patientName + '　' + alert.itemName + ' ' + alert.value + ' ' + alert.unit + '（参考 ' + alert.referenceRange + '）';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = '立即处理';
    button.style.cssText = 'margin-left:auto;font:inherit;padding:4px 14px;border:0;border-radius:4px;background:#fff;color:#b71c1c;cursor:pointer;';
    button.addEventListener('click', function () { openAlert(alert.id); });
    banner.appendChild(text);
    banner.appendChild(button);
    (state.alertContainer || document.body).appendChild(banner);
    state.banners[alert.id] = banner;
  }

  function openAlert(id) {
    if (state.overlay) return;
    var overlay = createOverlay('/alert?' + new URLSearchParams({ s: state.session, id: String(id) }).toString(), 'alert-' + id);
    overlay.visible = true;
    overlay.element.style.visibility = 'visible';
  }

  function checkOrder(items, options) {
    options = options || {};
    items = (items || []).map(function (i) { return { lineId: String(i.lineId), itemCode: String(i.itemCode) }; });
    if (items.length === 0) return Promise.resolve({ status: 'clear', lines: [] });
    if (!state.session || !state.origin) return Promise.resolve(notChecked(items, 'PortalNotReady'));
    if (state.overlay) return Promise.reject(new Error('Workstation.checkOrder: a decision is already open'));

    var requestId = 'r' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var query = new URLSearchParams({
      s: state.session,
      draft: options.draftOrderId || ('draft-' + requestId),
      stage: options.stage === 'save' ? 'save' : 'add',
      items: JSON.stringify(items),
      request: requestId,
    });

    // Invisible while the portal checks; shown only when a decision is required.
    createOverlay('/decide?' + query.toString(), requestId);

    return new Promise(function (resolve) {
      var timer = setTimeout(function () {
        // No answer in time and no dialog shown: the doctor proceeds, the portal has recorded the check (or not reached it).
        if (state.overlay && !state.overlay.visible) finish(requestId, notChecked(items, 'PortalTimeout'));
      }, CHECK_TIMEOUT_MS);
      state.pending[requestId] = { resolve: resolve, timer: timer };
    });
  }

  window.addEventListener('message', function (e) {
    if (!state.origin || e.origin !== state.origin) return; // strict origin check
    var m = e.data;
    if (!m || m.source !== 'workstation' || typeof m.type !== 'string') return;
    var fromBadge = state.frame && e.source === state.frame.contentWindow;
    var fromOverlay = state.overlay && e.source === state.overlay.frame.contentWindow;
    if (!fromBadge && !fromOverlay) return;

    if (fromBadge && m.type === 'ws:ready') {
      state.session = m.session;
      connectHub();
      emit('ready', { status: m.status, count: m.count });
    } else if (fromBadge && m.type === 'ws:badge') {
      emit('badge', { status: m.status, count: m.count });
    } else if (fromBadge && m.type === 'ws:rechecked') {
      emit('rechecked', { checkId: m.checkId, draftOrderId: m.draftOrderId, stage: m.stage, status: m.status, lines: m.lines || [] });
    } else if (fromOverlay && m.type === 'ws:decision-required' && m.request === state.overlay.requestId) {
      state.overlay.visible = true;
      state.overlay.element.style.visibility = 'visible';
      clearTimeout((state.pending[m.request] || {}).timer);
      state.overlay.frame.focus();
    } else if (fromOverlay && m.type === 'ws:alert-closed') {
      removeOverlay();
      if (m.status !== 'unknown' && state.banners[m.id]) { state.banners[m.id].remove(); delete state.banners[m.id]; }
    } else if (fromOverlay && m.type === 'ws:check-result') {
      finish(m.request, { status: m.status, reason: m.reason || null, checkId: m.checkId, lines: m.lines || [] });
    }
  });

  window.Workstation = { mount: mount, checkOrder: checkOrder, on: on };
})();
