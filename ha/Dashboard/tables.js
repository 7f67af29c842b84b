// Tables refreshed every second keep one <tr> per key and rewrite only the cells whose text
// changed, so the page creates no DOM garbage while it runs for hours.

const rowsByBody = new WeakMap();

/**
 * Shows `items` in `tbody`, in order. `key(item)` names a row, `cells(item)` gives its texts
 * (the first cells of the row), `create(tr, item)` may append more cells once (e.g. a button),
 * `rowClass(item)` styles the row.
 */
export function renderRows(tbody, items, { key, cells, create, rowClass }) {
  let rows = rowsByBody.get(tbody);
  if (!rows) rowsByBody.set(tbody, rows = new Map());
  const seen = new Set();
  let position = 0;
  for (const item of items) {
    const k = key(item);
    seen.add(k);
    const texts = cells(item);
    let tr = rows.get(k);
    if (!tr) {
      tr = document.createElement('tr');
      for (let i = 0; i < texts.length; i++) tr.appendChild(document.createElement('td'));
      create?.(tr, item);
      rows.set(k, tr);
    }
    for (let i = 0; i < texts.length; i++) {
      const text = String(texts[i]);
      if (tr.cells[i].textContent !== text) tr.cells[i].textContent = text;
    }
    const cls = rowClass?.(item) ?? '';
    if (tr.className !== cls) tr.className = cls;
    if (tbody.children[position] !== tr) tbody.insertBefore(tr, tbody.children[position] ?? null);
    position++;
  }
  for (const [k, tr] of rows) {
    if (!seen.has(k)) { tr.remove(); rows.delete(k); }
  }
}

export function setText(id, text) {
  const element = document.getElementById(id);
  if (element.textContent !== text) element.textContent = text;
}
