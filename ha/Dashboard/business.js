// Business view: every tenant's traffic and shards, and the operations on them (create a tenant,
// change its limits, scale it out or in, switch a shard's master over), each showing the API's answer.
import { call } from './api.js';
import { bytes, count, micros, percent } from './format.js';
import { renderRows } from './tables.js';

let tenantsByName = new Map();

export function renderBusiness(cluster) {
  tenantsByName = new Map(cluster.tenants.map(t => [t.name, t]));
  renderRows(document.querySelector('#tenants tbody'), cluster.tenants, {
    key: t => t.name,
    cells: t => [
      t.name, count(t.opsPerSec), micros(t.p50Us), micros(t.p99Us), percent(t.failureRate), count(t.errorsPerSec),
      count(t.connections), bytes(t.bytesInPerSec), bytes(t.bytesOutPerSec), count(t.rejected),
      t.limits.qps || 'none', t.limits.maxClients || 'none', `${t.shards.filter(s => s.healthy).length}/${t.shards.length} healthy`,
      t.migration ? `${t.migration.from} → ${t.migration.to} shards` : '',
    ],
    rowClass: t => (t.shards.every(s => s.healthy) ? '' : 'bad'),
  });
  const shards = cluster.tenants.flatMap(t => t.shards.map(s => ({ tenant: t.name, ...s })));
  renderRows(document.querySelector('#shards tbody'), shards, {
    key: s => `${s.tenant}/${s.index}`,
    cells: s => [s.tenant, s.index, s.master, s.replicas.join(', ') || 'none', s.healthy ? 'healthy' : (s.problem ?? 'unhealthy')],
    create: (tr, s) => {
      const button = document.createElement('button');
      button.textContent = 'Switchover';
      button.className = 'switchover';
      button.dataset.tenant = s.tenant;
      button.dataset.shard = s.index;
      tr.appendChild(document.createElement('td')).appendChild(button);
    },
    rowClass: s => (s.healthy ? '' : 'bad'),
  });
  const names = cluster.tenants.map(t => t.name);
  if (fillTenants(document.querySelector('#tenant-limits select[name=tenant]'), names)) fillLimits();
  fillTenants(document.querySelector('#scale-tenant select[name=tenant]'), names);
  showScaleProgress();
}

/** Gives a tenant select the current names, keeping the choice; true when they changed. */
function fillTenants(select, names) {
  if ([...select.options].map(o => o.value).join('\n') === names.join('\n')) return false;
  const chosen = select.value;
  select.replaceChildren(...names.map(n => new Option(n, n, false, n === chosen)));
  return true;
}

/** The scale form's tenant: its scaling's progress (GET …/scale), refreshed with the view. */
async function showScaleProgress() {
  const tenant = document.querySelector('#scale-tenant select[name=tenant]').value;
  if (!tenant) return;
  try {
    const p = (await call('GET', `/api/v1/tenants/${encodeURIComponent(tenant)}/scale`)).body;
    document.getElementById('scale-progress').textContent = p.state === 'idle' ? `${tenant}: not scaling (${p.to} shards)`
      : `${tenant}: ${p.state}, step ${p.from} → ${p.to} of target ${p.target}; ${count(p.keysMoved)} keys moved by HA, ~${count(p.keysLeft)} left, `
        + `${count(p.keysPerSec)} keys/s; last cut-over ${p.cutOverMs} ms${p.error ? '; ' + p.error : ''}`;
  } catch (error) {
    document.getElementById('scale-progress').textContent = error.message;
  }
}

/** Wires the forms and buttons once; `refresh` asks for an immediate update after an operation. */
export function wireBusiness(refresh) {
  const createForm = document.getElementById('create-tenant');
  createForm.addEventListener('submit', async event => {
    event.preventDefault();
    const f = createForm.elements;
    const request = { name: f.name.value, password: f.password.value, shards: +f.shards.value, replicas: +f.replicas.value, engine: f.engine.value };
    const created = t => `tenant ${t.name} created: ${t.shards.length} shard(s), masters ${t.shards.map(x => x.master).join(', ')}`;
    if (await operate(createForm, 'POST', '/api/v1/tenants', request, created)) createForm.reset();
    refresh();
  });

  const limitsForm = document.getElementById('tenant-limits');
  limitsForm.elements.tenant.addEventListener('change', fillLimits);
  limitsForm.addEventListener('submit', async event => {
    event.preventDefault();
    const f = limitsForm.elements;
    const tenant = tenantsByName.get(f.tenant.value);
    if (!tenant) return;
    // PATCH replaces the limits object whole: send the current one with the two fields changed.
    const limits = { ...tenant.limits, qps: +f.qps.value, maxClients: +f.maxClients.value };
    const changed = t => `tenant ${t.name}: qps limit ${t.limits.qps || 'none'}, max clients ${t.limits.maxClients || 'none'}`;
    await operate(limitsForm, 'PATCH', `/api/v1/tenants/${encodeURIComponent(tenant.name)}`, { limits }, changed);
    refresh();
  });

  const scaleForm = document.getElementById('scale-tenant');
  const scalePath = () => `/api/v1/tenants/${encodeURIComponent(scaleForm.elements.tenant.value)}/scale`;
  const scaling = p => `tenant ${p.tenant}: ${p.state}, ${p.from} → ${p.to} shards, target ${p.target}`;
  scaleForm.addEventListener('submit', async event => {
    event.preventDefault();
    await operate(scaleForm, 'POST', scalePath(), { shards: +scaleForm.elements.shards.value }, scaling);
    refresh();
  });
  scaleForm.elements.cancel.addEventListener('click', async () => {
    await operate(scaleForm, 'DELETE', scalePath(), undefined, scaling);
    refresh();
  });

  document.querySelector('#shards tbody').addEventListener('click', async event => {
    const button = event.target.closest('button.switchover');
    if (!button) return;
    const { tenant, shard } = button.dataset;
    const masterOf = t => t?.shards.find(x => x.index === +shard)?.master;
    const was = masterOf(tenantsByName.get(tenant));
    const switched = t => `shard ${shard} of ${tenant}: master is now ${masterOf(t)} (was ${was})`;
    await operate(button, 'POST', `/api/v1/tenants/${encodeURIComponent(tenant)}/shards/${shard}/failover`, undefined, switched);
    refresh();
  });
}

function fillLimits() {
  const f = document.getElementById('tenant-limits').elements;
  const tenant = tenantsByName.get(f.tenant.value);
  f.qps.value = tenant?.limits.qps ?? 0;
  f.maxClients.value = tenant?.limits.maxClients ?? 0;
}

/**
 * Runs one operation with its control disabled and shows what it did (`summary` of the answer,
 * then the answer) or the problem; true when it succeeded.
 */
async function operate(control, method, path, body, summary) {
  const result = document.getElementById('operation-result');
  const setBusy = busy => {
    for (const c of control.elements ?? [control]) c.disabled = busy;
  };
  setBusy(true);
  result.className = 'result busy';
  result.textContent = `${method} ${path} …`;
  try {
    const answer = await call(method, path, body);
    result.className = 'result ok';
    const said = answer.body == null ? '' : JSON.stringify(answer.body, null, 2);
    result.textContent = `${method} ${path} → ${answer.status}\n${summary && answer.body ? summary(answer.body) + '\n' : ''}${said}`;
    return true;
  } catch (error) {
    result.className = 'result failed';
    result.textContent = `${method} ${path} → ${error.message}`;
    return false;
  } finally {
    setBusy(false);
  }
}
