// Number formatting shared by the tables, cards and chart axes.

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

export function bytes(n) {
  if (n == null || !isFinite(n)) return '–';
  let i = 0;
  while (Math.abs(n) >= 1024 && i < BYTE_UNITS.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(Math.round(n)) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + BYTE_UNITS[i];
}

export function count(n) {
  if (n == null || !isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + 'G';
  if (a >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return Number.isInteger(n) ? String(n) : n.toFixed(a < 10 ? 2 : 1);
}

export function micros(n) {
  if (n == null || !isFinite(n)) return '–';
  if (n >= 1e6) return (n / 1e6).toFixed(2) + ' s';
  if (n >= 1e3) return (n / 1e3).toFixed(n >= 1e4 ? 1 : 2) + ' ms';
  return Math.round(n) + ' µs';
}

export function percent(fraction) {
  return fraction == null || !isFinite(fraction) ? '–' : (fraction * 100).toFixed(fraction < 0.01 ? 3 : 1) + ' %';
}

export function time(ms) {
  return ms > 0 ? new Date(ms).toLocaleTimeString() : '–';
}
