// The demo EHR's page: draft orders as FHIR ServiceRequests, the portal's CDS Hooks 2.0 services called at
// order-select and order-sign (through this EHR's backend, which signs each call with its ES384 key), the cards shown
// as an EHR shows them, and the clinician's 互认 / 不互认 sent back through the feedback endpoint.
(async function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const SELECT = '/cds-services/workstation-order-select';
  const SIGN = '/cds-services/workstation-order-sign';
  const config = await (await fetch('/ehr/api/config')).json();
  let patient = null;
  let drafts = [];
  let seq = 0;

  $('hospital').textContent = config.hospitalName;
  $('who').textContent = `${config.practitioner} · iss ${config.issuer || '（未就绪）'}`;
  $('item-select').replaceChildren(...config.items.map((i) => {
    const option = document.createElement('option');
    option.value = i.code;
    option.textContent = `${i.name}（${i.loinc ? 'LOINC ' + i.loinc : i.code}）`;
    return option;
  }));
  const itemOf = (code) => config.items.find((i) => i.code === code);
  const uuid = () => (self.crypto && crypto.randomUUID ? crypto.randomUUID()
    : 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(Math.random() * 16).toString(16)));

  function renderPatients() {
    $('patient-list').replaceChildren(...config.patients.map((p) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = p.name;
      button.dataset.patient = p.id;
      button.setAttribute('aria-current', patient && patient.id === p.id ? 'true' : 'false');
      button.addEventListener('click', () => openPatient(p));
      li.appendChild(button);
      return li;
    }));
  }

  function openPatient(p) {
    patient = p;
    drafts = [];
    renderPatients();
    renderDrafts();
    renderCards([]);
    $('sign-status').textContent = '';
    $('patient-header').textContent = `${p.name}  ${p.sex === 'M' ? '男' : '女'}  ${p.birthDate}  就诊号 ${p.encounterId}`;
  }

  const stateText = {
    checking: '查重中…', clear: '无重复', pending: '待决定：请在卡片中选择', recognised: '已互认（医嘱已删除）',
    declined: '不互认', 'not-checked': '未核验（互认平台不可用）', signed: '已签署',
  };

  function renderDrafts() {
    $('draft-orders').replaceChildren(...drafts.map((d) => {
      const tr = document.createElement('tr');
      tr.dataset.order = d.id;
      tr.dataset.state = d.state;
      const item = itemOf(d.itemCode);
      const coding = serviceRequest(d).code.coding[0];
      tr.innerHTML = '<td><code></code></td><td></td><td><code></code></td><td class="state"></td>';
      tr.children[0].firstChild.textContent = 'ServiceRequest/' + d.id;
      tr.children[1].textContent = item.name;
      tr.children[2].firstChild.textContent = `${coding.system}|${coding.code}`;
      tr.children[3].textContent = stateText[d.state] + (d.note ? `（${d.note}）` : '');
      tr.children[3].className = 'state state-' + (d.state === 'declined' ? 'decline' : d.state);
      return tr;
    }));
  }

  // A catalogue item the catalogue maps to LOINC is sent coded in LOINC (as most EHRs code lab orders); the others in the
  // recognition catalogue's own code system. The portal maps both.
  function serviceRequest(d) {
    const item = itemOf(d.itemCode);
    const coding = item.loinc
      ? { system: config.loincSystem, code: item.loinc, display: item.name }
      : { system: config.catalogueSystem, code: item.code, display: item.name };
    return {
      resourceType: 'ServiceRequest', id: d.id, status: 'draft', intent: 'order',
      subject: { reference: 'Patient/' + patient.id }, code: { coding: [coding], text: item.name },
    };
  }

  function hookRequest(hook, selections) {
    const context = {
      userId: config.practitioner,
      patientId: patient.id,
      encounterId: patient.encounterId,
      draftOrders: {
        resourceType: 'Bundle', type: 'collection',
        entry: drafts.filter((d) => d.state !== 'recognised').map((d) => ({ resource: serviceRequest(d) })),
      },
    };
    if (hook === 'order-select') context.selections = selections;
    return {
      hook, hookInstance: uuid(), context,
      // The EHR prefetches what the service's discovery asks for: Patient/{{context.patientId}}.
      prefetch: {
        patient: {
          resourceType: 'Patient', id: patient.id, name: [{ text: patient.name }],
          identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: patient.idNumber }],
        },
      },
    };
  }

  async function call(path, body) {
    const response = await fetch('/ehr/api/call', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path, body }),
    });
    const result = response.ok ? await response.json() : { status: response.status, body: await response.text() };
    $('wire-meta').textContent = `POST ${config.portalUrl || ''}${path} → ${result.status}（Authorization: Bearer <ES384 JWT, kid、jku 指向 ${config.jwksUrl}>）`;
    $('wire-request').textContent = JSON.stringify(body, null, 2);
    $('wire-response').textContent = typeof result.body === 'string' ? result.body : JSON.stringify(result.body, null, 2);
    return result;
  }

  function problemText(result) {
    if (result.body && typeof result.body === 'object' && result.body.detail) return result.body.detail;
    return typeof result.body === 'string' && result.body ? result.body : `HTTP ${result.status}`;
  }

  // Cards by uuid, each with the service it came from and the ServiceRequest its suggestion deletes.
  let cards = [];

  function orderOf(card) {
    const action = (card.suggestions || []).flatMap((s) => s.actions || []).find((a) => a.resourceId);
    return action ? action.resourceId.replace('ServiceRequest/', '') : null;
  }

  function renderCards(list) {
    cards = list;
    $('cards-empty').hidden = list.length > 0;
    $('card-list').replaceChildren(...list.map(renderCard));
  }

  // The card's detail is Markdown: this page renders the little it uses (paragraphs, "- " lists, **bold**), escaped.
  function markdown(text) {
    const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
    const inline = (s) => escape(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
    let html = '';
    let list = false;
    for (const line of (text || '').split('\n')) {
      const item = /^\s*[-*] (.*)$/.exec(line);
      if (item) { if (!list) { html += '<ul>'; list = true; } html += `<li>${inline(item[1])}</li>`; continue; }
      if (list) { html += '</ul>'; list = false; }
      if (line.trim()) html += `<p>${inline(line)}</p>`;
    }
    return html + (list ? '</ul>' : '');
  }

  function renderCard({ card, service }) {
    const el = document.createElement('article');
    el.className = 'cds-card';
    el.dataset.indicator = card.indicator;
    el.dataset.card = card.uuid || '';
    el.setAttribute('data-testid', 'cds-card');
    const summary = document.createElement('div');
    summary.className = 'summary';
    summary.textContent = card.summary;
    const source = document.createElement('div');
    source.className = 'source';
    source.textContent = `${card.indicator} · ${card.source.label}`;
    const detail = document.createElement('div');
    detail.className = 'detail';
    detail.innerHTML = markdown(card.detail);
    el.append(summary, source, detail);
    if (card.links && card.links.length) {
      const links = document.createElement('div');
      links.className = 'links';
      for (const link of card.links) {
        const a = document.createElement('a');
        a.href = link.url;
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = `${link.label}（${link.type}）`;
        links.appendChild(a);
      }
      el.appendChild(links);
    }
    const suggestion = (card.suggestions || [])[0];
    if (card.uuid && (suggestion || (card.overrideReasons || []).length)) el.appendChild(decisionControls(card, service, suggestion));
    return el;
  }

  function decisionControls(card, service, suggestion) {
    const actions = document.createElement('div');
    actions.className = 'actions';
    const error = document.createElement('div');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    if (suggestion) {
      const accept = document.createElement('button');
      accept.type = 'button';
      accept.className = 'accept';
      accept.dataset.action = 'accept';
      accept.textContent = suggestion.label;
      accept.addEventListener('click', () => feedback(card, service, {
        outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }],
      }, 'recognised', null, error));
      actions.appendChild(accept);
    }
    const reasons = card.overrideReasons || [];
    if (reasons.length) {
      const select = document.createElement('select');
      select.setAttribute('aria-label', '不互认原因');
      select.dataset.action = 'reason';
      select.replaceChildren(...[{ code: '', display: '不互认原因…' }, ...reasons].map((r) => {
        const option = document.createElement('option');
        option.value = r.code;
        option.textContent = r.display || r.code;
        return option;
      }));
      const comment = document.createElement('input');
      comment.type = 'text';
      comment.placeholder = '说明（选“其他”时必填）';
      comment.setAttribute('aria-label', '说明');
      comment.dataset.action = 'comment';
      const override = document.createElement('button');
      override.type = 'button';
      override.className = 'override';
      override.dataset.action = 'override';
      override.textContent = '不互认';
      override.addEventListener('click', () => {
        const reason = reasons.find((r) => r.code === select.value);
        if (!reason) { error.textContent = '请选择不互认原因。'; return; }
        feedback(card, service, {
          outcome: 'overridden',
          overrideReason: { reason: { code: reason.code, system: reason.system }, userComment: comment.value.trim() || undefined },
        }, 'declined', reason.display || reason.code, error);
      });
      actions.append(select, comment, override);
    }
    actions.appendChild(error);
    return actions;
  }

  async function feedback(card, service, outcome, state, note, error) {
    error.textContent = '';
    const body = { feedback: [{ card: card.uuid, outcomeTimestamp: new Date().toISOString(), ...outcome }] };
    const result = await call(service + '/feedback', body);
    if (result.status !== 200) { error.textContent = `未记录：${problemText(result)}`; return; }
    // Accepted: the suggestion's action deletes the draft ServiceRequest (the result is recognised, not repeated).
    const order = drafts.find((d) => d.id === orderOf(card));
    if (order) { order.state = state; order.note = note; }
    renderDrafts();
    renderCards(cards.filter((c) => c.card.uuid !== card.uuid));
  }

  async function runHook(service, hook, selected) {
    const body = hookRequest(hook, selected.map((d) => 'ServiceRequest/' + d.id));
    selected.forEach((d) => { if (d.state !== 'declined') d.state = 'checking'; });
    renderDrafts();
    const result = await call(service, body);
    if (result.status !== 200) {
      selected.forEach((d) => { if (d.state === 'checking') d.state = 'not-checked'; });
      renderDrafts();
      $('sign-status').textContent = `互认服务未应答：${problemText(result)}`;
      return null;
    }
    const list = (result.body.cards || []).map((card) => ({ card, service }));
    const pending = new Set(list.map((c) => orderOf(c.card)).filter(Boolean));
    const notChecked = list.some((c) => !orderOf(c.card) && c.card.indicator === 'info');
    selected.forEach((d) => {
      if (pending.has(d.id)) d.state = 'pending';
      else if (d.state === 'checking') d.state = notChecked ? 'not-checked' : 'clear';
    });
    renderDrafts();
    renderCards([...cards.filter((c) => !list.some((n) => orderOf(n.card) && orderOf(n.card) === orderOf(c.card))), ...list]);
    return list;
  }

  $('add-order').addEventListener('click', async () => {
    if (!patient) { $('sign-status').textContent = '请先选择患者'; return; }
    seq += 1;
    const draft = { id: `sr-${seq}`, itemCode: $('item-select').value, state: 'checking' };
    drafts.push(draft);
    $('sign-status').textContent = '';
    await runHook(SELECT, 'order-select', [draft]);
  });

  $('sign-orders').addEventListener('click', async () => {
    const toSign = drafts.filter((d) => d.state !== 'recognised' && d.state !== 'signed');
    if (!patient || toSign.length === 0) { $('sign-status').textContent = '没有需要签署的医嘱'; return; }
    // order-sign: every draft is checked again; a duplicate not yet decided comes back as the same card.
    const list = await runHook(SIGN, 'order-sign', toSign);
    if (list === null) return;
    const undecided = list.filter((c) => orderOf(c.card)).length;
    if (undecided > 0) { $('sign-status').textContent = `有 ${undecided} 项重复检查检验尚未决定，请先处理卡片`; return; }
    toSign.forEach((d) => {
      if (d.state === 'declined' || d.state === 'not-checked') d.note = stateText[d.state] + (d.note ? '：' + d.note : '');
      d.state = 'signed';
    });
    renderDrafts();
    $('sign-status').textContent = `医嘱已签署（${toSign.length} 项）`;
  });

  renderPatients();
})();
