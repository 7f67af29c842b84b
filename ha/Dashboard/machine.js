// Machine view: every host (nodes summed) and every node with its resources and replication.
import { bytes, count, percent } from './format.js';
import { renderRows } from './tables.js';

export function renderMachine(cluster) {
  const hosts = new Map();
  for (const node of cluster.nodes) {
    let host = hosts.get(node.host);
    if (!host) hosts.set(node.host, host = { name: node.host, nodes: 0, up: 0, memory: 0, cpu: 0, connections: 0, netIn: 0, netOut: 0 });
    host.nodes++;
    if (node.up) host.up++;
    host.memory += node.usedMemory;
    host.cpu += node.cpuPercent;
    host.connections += node.connections;
    host.netIn += node.netInPerSec;
    host.netOut += node.netOutPerSec;
  }
  renderRows(document.querySelector('#hosts tbody'), hosts.values(), {
    key: h => h.name,
    cells: h => [h.name, h.nodes, `${h.up}/${h.nodes}`, bytes(h.memory), percent(h.cpu / 100), count(h.connections), bytes(h.netIn), bytes(h.netOut)],
    rowClass: h => (h.up < h.nodes ? 'bad' : ''),
  });
  renderRows(document.querySelector('#nodes tbody'), cluster.nodes, {
    key: n => n.address,
    cells: n => [
      n.address, n.tenant, n.shard, n.role, n.up ? 'up' : 'down', bytes(n.usedMemory), percent(n.cpuPercent / 100),
      count(n.connections), count(n.opsPerSec), bytes(n.netInPerSec), bytes(n.netOutPerSec),
      count(n.offset), bytes(n.lagBytes), n.lagSeconds.toFixed(1), count(n.keys), n.binary, n.guard,
    ],
    rowClass: n => (n.up ? n.role : 'bad'),
  });
}
