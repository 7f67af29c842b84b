// Platform view: totals, capacity, failovers and the event log of every mutation.
import { bytes, count } from './format.js';
import { renderRows, setText } from './tables.js';

const EVENTS_SHOWN = 100;

export function renderPlatform(cluster) {
  const p = cluster.platform;
  setText('requests-today', count(p.requestsToday));
  setText('storage', `${bytes(p.storageUsedBytes)} / ${bytes(p.storageCapacityBytes)}`);
  document.getElementById('storage-meter').value = p.storageCapacityBytes > 0 ? p.storageUsedBytes / p.storageCapacityBytes : 0;
  setText('free-memory', bytes(p.freeMemoryBytes));
  setText('nodes-up', `${p.nodesUp} / ${p.nodes}`);
  setText('tenant-count', String(p.tenants));
  setText('failovers', String(cluster.failovers));
  // lastFailoverMs is how long the last failover took (from the master's last good probe), -1 before any.
  setText('last-failover', cluster.lastFailoverMs >= 0 ? `last took ${cluster.lastFailoverMs} ms` : '');
  setText('proxies-up', `${cluster.proxies.filter(x => x.healthy).length} / ${cluster.proxies.length}`);
  setText('route-version', 'v' + cluster.routeVersion);
  setText('leader', cluster.leader ? cluster.leader + (cluster.isLeader ? ' (this HA)' : '') : 'no leader');
}

export function renderEvents(events) {
  const newestFirst = events.slice(-EVENTS_SHOWN).reverse();
  renderRows(document.querySelector('#events tbody'), newestFirst, {
    key: e => e.id,
    cells: e => [e.id, new Date(e.at).toLocaleString(), e.who, e.what, e.result],
    rowClass: e => (e.ok ? '' : 'bad'),
  });
}
