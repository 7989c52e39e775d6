// Demo HIS doctor workstation. It behaves like a HIS client: its own patient list and order entry,
// and the Workstation portal embedded in an iframe from another origin.
(async function () {
  const $ = (id) => document.getElementById(id);
  const config = await (await fetch('/his/api/config')).json();
  const patients = await (await fetch('/his/api/patients')).json();
  const catalogue = await (await fetch('/his/api/catalogue')).json();
  $('hospital').textContent = config.hospitalName;

  let current = null;
  let lines = [];
  let lineSeq = 0;

  for (const item of catalogue) {
    const option = document.createElement('option');
    option.value = item.code;
    option.textContent = `${item.code} ${item.name}（${item.kind === 'lab' ? '检验' : '检查'}）`;
    $('item-select').append(option);
  }

  function setting() {
    return document.querySelector('input[name="setting"]:checked').value;
  }

  function portalUrl(path) {
    return config.portalUrl ? new URL(path, config.portalUrl).toString() : 'about:blank';
  }

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

  function openEncounter(p) {
    current = p;
    lines = [];
    renderPatients();
    renderLines();
    $('patient-header').textContent = `${p.name}  ${p.sex === 'M' ? '男' : '女'}  ${p.birthDate}  就诊号 ${p.encounterId}`;
    $('portal-frame').src = portalUrl('/embed');
  }

  function renderLines() {
    $('order-lines').replaceChildren(...lines.map((l) => {
      const tr = document.createElement('tr');
      const item = catalogue.find((i) => i.code === l.itemCode);
      tr.innerHTML = `<td>${l.lineId}</td><td>${item.name}</td><td>${item.kind === 'lab' ? '检验' : '检查'}</td><td>¥${item.price}</td><td>${l.status}</td><td></td>`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '删除';
      remove.addEventListener('click', () => { lines = lines.filter((x) => x !== l); renderLines(); });
      tr.lastChild.append(remove);
      return tr;
    }));
  }

  $('add-line').addEventListener('click', () => {
    if (!current) { $('order-status').textContent = '请先选择患者'; return; }
    lineSeq += 1;
    lines.push({ lineId: `L${String(lineSeq).padStart(3, '0')}`, itemCode: $('item-select').value, status: '待保存' });
    renderLines();
  });

  $('order-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!current || lines.length === 0) { $('order-status').textContent = '没有可保存的项目'; return; }
    const order = { orderId: `O${Date.now()}`, hisId: current.hisId, setting: setting(), lines: lines.map(({ lineId, itemCode }) => ({ lineId, itemCode })) };
    const response = await fetch('/his/api/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(order) });
    if (!response.ok) { $('order-status').textContent = '保存失败'; return; }
    const saved = await response.json();
    const li = document.createElement('li');
    li.textContent = `${saved.orderId}：${saved.lines.map((l) => catalogue.find((i) => i.code === l.itemCode).name).join('、')}`;
    $('saved-orders').append(li);
    $('order-status').textContent = '处方已保存';
    lines = [];
    renderLines();
  });

  document.querySelectorAll('input[name="setting"]').forEach((r) => r.addEventListener('change', () => current && openEncounter(current)));
  renderPatients();
  $('portal-frame').src = portalUrl('/embed');
})();
