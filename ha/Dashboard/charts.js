/* global uPlot */
// Live charts (uPlot) over a fixed window: every array is allocated once and shifted in place
// each second, so a page left open for days holds the same memory as after five minutes.

export const WINDOW = 300;

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];
const HEIGHT = 220;

/** The shared x axis: the last WINDOW samples' times (unix seconds), oldest first. */
export class Timeline {
  constructor() {
    this.xs = Array.from({ length: WINDOW }, (_, i) => i - WINDOW);
    this.lastMs = 0;
  }

  /** How many seconds of history the next request needs to reach the last point shown. */
  secondsWanted() {
    return this.lastMs === 0 ? WINDOW : Math.min(WINDOW, Math.ceil((Date.now() - this.lastMs) / 1000) + 2);
  }

  push(ms) {
    // The first sample places the (empty) window just before it: x must ascend for uPlot.
    if (this.lastMs === 0)
      for (let i = 0; i < WINDOW; i++) this.xs[i] = ms / 1000 - WINDOW + i;
    this.xs.copyWithin(0, 1);
    this.xs[WINDOW - 1] = ms / 1000;
    this.lastMs = ms;
  }
}

/**
 * One panel: one series per node or tenant (or the platform total) of one metric of
 * GET /api/v1/history. Series come and go with the cluster; the uPlot instance is rebuilt then.
 */
export class LiveChart {
  constructor(elementId, timeline, { source, metric, format, label }) {
    this.id = elementId;
    this.host = document.getElementById(elementId);
    this.timeline = timeline;
    this.source = source;
    this.metric = metric;
    this.format = format;
    this.label = label;
    this.names = [];
    this.series = [];
    this.data = [timeline.xs];
    this.plot = null;
    this.visible = false;
    this.stats = { series: 0, points: 0, scaleMax: 0 };
  }

  /** Matches the series to the names in this history answer, keeping the data of those that stay. */
  sync(history) {
    const names = this.source === 'platform' ? [this.label] : Object.keys(history[this.source] ?? {}).sort();
    if (names.length === this.names.length && names.every((n, i) => n === this.names[i])) return;
    const old = new Map(this.names.map((n, i) => [n, this.series[i]]));
    this.names = names;
    this.series = names.map(n => old.get(n) ?? new Array(WINDOW).fill(null));
    this.data = [this.timeline.xs, ...this.series];
    this.plot?.destroy();
    this.plot = null;
    if (this.visible) this.show();
  }

  /** Appends point `j` of the history answer (call after Timeline.push). */
  push(history, j) {
    for (let s = 0; s < this.names.length; s++) {
      const values = this.source === 'platform' ? history.platform?.[this.metric] : history[this.source]?.[this.names[s]]?.[this.metric];
      const array = this.series[s];
      array.copyWithin(0, 1);
      array[WINDOW - 1] = values?.[j] ?? null;
    }
  }

  /** Redraws (when shown) and counts the points; scaleMax is the drawn y range's top (1 when nothing is in view). */
  refresh() {
    let points = 0;
    for (const array of this.series) {
      let n = 0;
      for (const v of array) if (v != null) n++;
      points = Math.max(points, n);
    }
    this.stats.series = this.names.length;
    this.stats.points = points;
    if (this.visible && this.plot) {
      this.plot.setData(this.data);
      this.stats.scaleMax = this.plot.scales.y.max;
    }
  }

  show() {
    this.visible = true;
    const width = Math.max(200, this.host.clientWidth);
    if (this.plot) {
      this.plot.setSize({ width, height: HEIGHT });
      this.plot.setData(this.data);
      return;
    }
    const format = this.format;
    this.plot = new uPlot({
      width, height: HEIGHT,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      series: [{}, ...this.names.map((name, i) => ({
        label: name, stroke: COLORS[i % COLORS.length], width: 1.5, value: (u, v) => format(v),
      }))],
      axes: [{}, { size: 70, values: (u, splits) => splits.map(format) }],
    }, this.data, this.host);
  }

  hide() {
    this.visible = false;
  }
}
