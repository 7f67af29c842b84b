// The dashboard: three views over GET /api/v1/cluster and /history, refreshed every second by
// one timer chain (the next tick is scheduled only when this one is done).
import { get, takeTokenFromFragment } from './api.js';
import { renderBusiness, wireBusiness } from './business.js';
import { LiveChart, Timeline } from './charts.js';
import { bytes, count, micros, time } from './format.js';
import { renderMachine } from './machine.js';
import { renderEvents, renderPlatform } from './platform.js';

const PERIOD_MS = 1000;
const VIEWS = ['machine', 'business', 'platform'];

const timeline = new Timeline();
const charts = {
  machine: [
    new LiveChart('chart-node-ops', timeline, { source: 'nodes', metric: 'opsPerSec', format: count }),
    new LiveChart('chart-node-memory', timeline, { source: 'nodes', metric: 'usedMemory', format: bytes }),
  ],
  business: [
    new LiveChart('chart-tenant-ops', timeline, { source: 'tenants', metric: 'opsPerSec', format: count }),
    new LiveChart('chart-tenant-p99', timeline, { source: 'tenants', metric: 'p99Us', format: micros }),
  ],
  platform: [
    new LiveChart('chart-platform-ops', timeline, { source: 'platform', metric: 'opsPerSec', format: count, label: 'total' }),
  ],
};
const allCharts = Object.values(charts).flat();

// Per chart, for tests and curious operators: { 'chart-node-ops': { series, points, scaleMax } }.
window.istoreCharts = Object.fromEntries(allCharts.map(c => [c.id, c.stats]));

let view = null;
let timer = 0;

function show(name) {
  if (!VIEWS.includes(name)) name = 'machine';
  if (view === name) return;
  for (const v of VIEWS) {
    document.getElementById('view-' + v).hidden = v !== name;
    document.getElementById('tab-' + v).classList.toggle('active', v === name);
    for (const chart of charts[v]) v === name ? chart.show() : chart.hide();
  }
  view = name;
  document.body.dataset.view = name;
  history.replaceState(null, '', '#' + name);
  refreshNow();
}

function mergeHistory(samples) {
  for (const chart of allCharts) chart.sync(samples);
  for (let j = 0; j < samples.t.length; j++) {
    if (samples.t[j] <= timeline.lastMs) continue;
    timeline.push(samples.t[j]);
    for (const chart of allCharts) chart.push(samples, j);
  }
  for (const chart of allCharts) chart.refresh();
}

function setStatus(text, ok) {
  const status = document.getElementById('status');
  status.textContent = text;
  status.className = 'status ' + (ok ? 'ok' : 'failed');
}

async function tick() {
  const started = Date.now();
  try {
    const [cluster, samples] = await Promise.all([get('/api/v1/cluster'), get(`/api/v1/history?seconds=${timeline.secondsWanted()}`)]);
    mergeHistory(samples);
    renderMachine(cluster);
    renderBusiness(cluster);
    renderPlatform(cluster);
    if (view === 'platform') renderEvents(await get('/api/v1/events'));
    setStatus(`live · sampled ${time(timeline.lastMs)}`, true);
  } catch (error) {
    setStatus(error.status === 401 ? 'unauthorized: open the dashboard URL that istore-ha up printed (#token=…)' : 'API: ' + error.message, false);
  } finally {
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(100, PERIOD_MS - (Date.now() - started)));
  }
}

// After a view change or an operation: tick at once instead of waiting for the next second.
function refreshNow() {
  clearTimeout(timer);
  timer = setTimeout(tick, 0);
}

const startView = takeTokenFromFragment();
for (const v of VIEWS) document.getElementById('tab-' + v).addEventListener('click', () => show(v));
window.addEventListener('resize', () => { for (const chart of charts[view]) chart.show(); });
wireBusiness(refreshNow);
show(startView);
