// Demo HIS doctor workstation. It behaves like a HIS client: its own patient list and order entry, the Workstation
// portal embedded from another origin with workstation-embed.js, launches signed by the HIS backend, and every order
// line checked with Workstation.checkOrder before it is kept and before the order is saved.
(async function () {
  const $ = (id) => document.getElementById(id);
  const config = await (await fetch('/his/api/config')).json();
  const patients = await (await fetch('/his/api/patients')).json();
  const catalogue = await (await fetch('/his/api/catalogue')).json();
  $('hospital').textContent = config.hospitalName;
  $('doctor').textContent = `医生：${config.doctor.id} ${config.doctor.name} · ${config.doctor.department}`;
  const launchMode = new URLSearchParams(location.search).get('launch') === 'code' ? 'code' : 'signed';

  let current = null;
  let draftOrderId = null;
  let lines = [];
  let lineSeq = 0;

  await new Promise((resolve, reject) => {
    if (!config.portalUrl) { resolve(); return; }
    const script = document.createElement('script');
    script.src = new URL('/workstation-embed.js', config.portalUrl).toString();
    script.onload = resolve;
    script.onerror = () => reject(new Error('workstation-embed.js not reachable'));
    document.head.append(script);
  }).catch((e) => { $('order-status').textContent = '互认工作站不可用：' + e.message; });

  for (const item of catalogue) {
    const option = document.createElement('option');
    option.value = item.code;
    option.textContent = `${item.code} ${item.name}（${item.kind === 'lab' ? '检验' : '检查'}）`;
    $('item-select').append(option);
  }

  const setting = () => document.querySelector('input[name="setting"]:checked').value;
  const itemOf = (code) => catalogue.find((i) => i.code === code);

  function renderPatients() {
    $('patient-list').replaceChildren(...patients.map((p) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `${p.name} · ${p.sex === 'M' ? '男' : '女'}`;
      b.dataset.hisId = p.hisId;
      b.setAttribute('aria-current', current && current.hisId === p.hisId ? 'true' : 'false');
      b.addEventListener('click', () => openEncounter(p));
      li.append(b);
      return li;
    }));
  }

  function newDraft() {
    lines = [];
    lineSeq = 0; // line numbers restart with every order
    draftOrderId = `D${Date.now()}`;
  }

  async function renderSavedOrders() {
    const all = await (await fetch('/his/api/orders')).json();
    const mine = current ? all.filter((o) => o.hisId === current.hisId) : [];
    $('saved-orders').replaceChildren(...mine.map((o) => {
      const li = document.createElement('li');
      li.dataset.orderId = o.orderId;
      li.textContent = `${o.orderId}：${o.lines.map((l) => itemOf(l.itemCode).name).join('、')}（互认校验：${o.validationStatus}）`;
      return li;
    }));
  }

  async function openEncounter(p) {
    current = p;
    newDraft();
    renderPatients();
    renderLines();
    renderSavedOrders();
    $('order-status').textContent = '';
    const settingName = { outpatient: '门诊', emergency: '急诊', inpatient: '住院' }[setting()];
    $('patient-header').textContent = `${p.name}  ${p.sex === 'M' ? '男' : '女'}  ${p.birthDate}  ${settingName}  就诊号 ${p.encounterId}`;
    if (!window.Workstation) return;
    const response = await fetch(`/his/api/launch?hisId=${encodeURIComponent(p.hisId)}&setting=${setting()}&mode=${launchMode}`);
    if (!response.ok) { $('order-status').textContent = '互认工作站启动失败'; return; }
    const launch = await response.json();
    Workstation.mount({ container: '#portal-panel', launchUrl: launch.url, alertContainer: '#ws-alerts' });
  }

  // 刷卡: every card use is checked by the front-end system (blacklist + usage log). At 就诊 the card switches the
  // workstation to its holder and relaunches the portal for them (seed 004's quick patient switch).
  const cards = await (await fetch('/his/api/cards')).json();
  $('card-select').replaceChildren(...cards.map((c) => {
    const option = document.createElement('option');
    option.value = c.cardNumber;
    option.textContent = `${c.name}的健康卡 ${c.cardNumber}`;
    return option;
  }));
  $('read-card').addEventListener('click', async () => {
    const status = $('card-status');
    status.className = '';
    status.textContent = '读卡中…';
    const response = await fetch('/his/api/card/read', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardNumber: $('card-select').value, scene: $('card-scene').value }),
    });
    const result = await response.json();
    if (!response.ok) { status.className = 'card-refused'; status.textContent = `刷卡失败：${result.detail || result.title}`; return; }
    const sceneName = $('card-scene').selectedOptions[0].textContent;
    if (!result.allowed) { status.className = 'card-refused'; status.textContent = `拒绝用卡（${result.name}）：${result.reason}`; return; }
    status.className = 'card-allowed';
    status.textContent = `${result.name}：${sceneName}刷卡通过`;
    const holder = patients.find((p) => p.hisId === result.hisId);
    if (result.scene === 'consultation' && holder) await openEncounter(holder);
  });

  function statusText(line) {
    switch (line.status) {
      case 'checking': return ['核对中…', ''];
      case 'clear': return ['无重复', ''];
      case 'recognised': return ['已互认（采用外院结果，不再开立）', 'status-dup'];
      case 'declined': return ['不互认（重新开立）', 'status-decline'];
      case 'not-checked': return ['未核验（互认平台不可用）', 'status-unchecked'];
      case 'needs-decision': return ['需互认决定（平台恢复后发现外院结果）', 'status-needs'];
      case 'clear-late': return ['无重复（平台恢复后已补核）', ''];
      default: return ['待核对', ''];
    }
  }

  function renderLines() {
    $('order-lines').replaceChildren(...lines.map((l) => {
      const tr = document.createElement('tr');
      tr.dataset.lineId = l.lineId;
      const item = itemOf(l.itemCode);
      const [text, cls] = statusText(l);
      tr.innerHTML = `<td>${l.lineId}</td><td>${item.name}</td><td>${item.kind === 'lab' ? '检验' : '检查'}</td><td>¥${item.price}</td><td class="line-status ${cls}"></td><td></td>`;
      tr.querySelector('.line-status').textContent = text;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '删除';
      remove.addEventListener('click', () => { lines = lines.filter((x) => x !== l); renderLines(); });
      tr.lastChild.append(remove);
      return tr;
    }));
  }

  function apply(result) {
    for (const r of result.lines || []) {
      const line = lines.find((l) => l.lineId === r.lineId);
      if (!line) continue;
      if (result.status === 'not-checked') { line.status = 'not-checked'; continue; }
      if (!r.duplicate) { line.status = 'clear'; continue; }
      line.decisionToken = r.decision ? r.decision.decisionToken : null;
      line.status = r.decision && r.decision.choice === 'recognise' ? 'recognised' : 'declined';
    }
    if (result.status === 'not-checked') lines.forEach((l) => { if (l.status === 'checking') l.status = 'not-checked'; });
    renderLines();
  }

  $('add-line').addEventListener('click', async () => {
    if (!current) { $('order-status').textContent = '请先选择患者'; return; }
    lineSeq += 1;
    const line = { lineId: `L${String(lineSeq).padStart(3, '0')}`, itemCode: $('item-select').value, status: 'checking' };
    lines.push(line);
    renderLines();
    // Ordering: the precise check; a duplicate opens the forced decision overlay.
    const result = window.Workstation
      ? await Workstation.checkOrder([{ lineId: line.lineId, itemCode: line.itemCode }], { draftOrderId, stage: 'add' })
      : { status: 'not-checked', lines: [{ lineId: line.lineId }] };
    apply(result);
  });

  $('order-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const toOrder = lines.filter((l) => l.status !== 'recognised');
    if (!current || toOrder.length === 0) { $('order-status').textContent = '没有需要开立的项目'; return; }
    $('order-status').className = '';
    $('order-status').textContent = '保存中…';
    // Saving: the platform's save-check; any duplicate not yet decided forces the dialog again.
    if (window.Workstation) {
      apply(await Workstation.checkOrder(toOrder.map(({ lineId, itemCode }) => ({ lineId, itemCode })), { draftOrderId, stage: 'save' }));
    }
    const kept = lines.filter((l) => l.status !== 'recognised');
    const order = { orderId: draftOrderId, hisId: current.hisId, setting: setting(), lines: kept.map(({ lineId, itemCode, decisionToken }) => ({ lineId, itemCode, decisionToken })) };
    const response = await fetch('/his/api/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(order) });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      $('order-status').className = 'error';
      $('order-status').textContent = '保存被拒绝：' + (problem.detail || response.status);
      return;
    }
    await response.json();
    $('order-status').textContent = '处方已保存';
    newDraft();
    renderLines();
    renderSavedOrders();
  });

  // Lines checked as "not checked" during an outage were re-checked when the platform came back.
  if (window.Workstation) {
    Workstation.on('rechecked', (r) => {
      if (r.draftOrderId !== draftOrderId) {
        if (r.status === 'duplicates') $('order-status').textContent = `已保存的医嘱 ${r.draftOrderId} 补核发现外院可互认结果，请在右侧互认面板确认`;
        return;
      }
      for (const x of r.lines) {
        const line = lines.find((l) => l.lineId === x.lineId);
        if (!line) continue;
        if (x.decision) {
          line.decisionToken = x.decision.decisionToken;
          line.status = x.decision.choice === 'recognise' ? 'recognised' : 'declined';
        } else {
          line.status = x.duplicate ? 'needs-decision' : 'clear-late';
        }
      }
      renderLines();
    });
  }

  document.querySelectorAll('input[name="setting"]').forEach((r) => r.addEventListener('change', () => current && openEncounter(current)));
  renderPatients();
})();
