// The script inlined into the report page: reads the JSON data block and draws the five charts
// with uPlot. Plain ES2017 in a string (no build step for the browser); it reads only the data
// block, and every label it shows goes through uPlot's text nodes, never innerHTML.
//
// Data (see html.ts): { axis, sides: [{ tag, policy, timeline }] } with one side for simulate
// and two (A, B) for diff. window.heapwiseCharts lists [{ id, plot }] for tests and debugging;
// <html data-charts="N"> is set once all N charts are drawn.
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('heapwise-data').textContent);
  var sides = data.sides;
  var HEAP_COLORS = ['#1f6fb4', '#2a9d3c', '#8e44ad', '#c0392b', '#d4a017', '#16a2b8', '#7f5539', '#e377c2'];
  var SIDE_COLORS = ['#1f6fb4', '#e8710a'];
  var NAIVE = '#8a929c';
  var plots = [];
  window.heapwiseCharts = plots;

  function fmtBytes(n) {
    if (n == null) return '-';
    var a = Math.abs(n);
    if (a >= 1073741824) return +(n / 1073741824).toFixed(2) + ' GiB';
    if (a >= 1048576) return +(n / 1048576).toFixed(1) + ' MiB';
    if (a >= 1024) return +(n / 1024).toFixed(1) + ' KiB';
    return Math.round(n) + ' B';
  }
  function fmtCount(n) { return n == null ? '-' : String(Math.round(n)); }
  // Axis ticks: short enough that a million-event axis does not overlap.
  function fmtCompact(n) {
    if (n == null) return '';
    var a = Math.abs(n);
    if (a >= 1e6) return +(n / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return +(n / 1e3).toFixed(1) + 'k';
    return String(+n.toFixed(2));
  }
  function compactTicks(u, splits) { return splits.map(fmtCompact); }
  // Byte ticks at powers of two (64 MiB, 128 MiB...), not at 190.7 MiB.
  var BYTE_STEPS = [];
  for (var p = 0; p < 48; p++) BYTE_STEPS.push(Math.pow(2, p));
  // Events and counts are whole: ticks at 1, 2, 5, 10, 20, 50...
  var WHOLE_STEPS = [];
  for (var e = 0; e < 12; e++) [1, 2, 5].forEach(function (m) { WHOLE_STEPS.push(m * Math.pow(10, e)); });
  function cumulative(a) {
    var s = 0, out = new Array(a.length);
    for (var i = 0; i < a.length; i++) { s += a[i]; out[i] = s; }
    return out;
  }
  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function tag(side) { return side.tag ? side.tag + ': ' : ''; }
  function fill(color) { return color + '33'; }
  function zeroBased(u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; }

  var base = sides[0].timeline;
  var width = base.width;
  var xs = base.x;
  function eventText(u, v) {
    if (v == null) return '-';
    return width > 1 ? v + '-' + (v + width - 1) : String(v);
  }
  var stepped = uPlot.paths.stepped({ align: 1 });
  var bars = uPlot.paths.bars({ size: [1, Infinity], align: 1 });

  function plotWidth(el) { return Math.max(320, Math.floor(el.getBoundingClientRect().width)); }

  // uPlot merges options over its defaults key by key, so an undefined value would replace a default.
  function defined(o) {
    var r = {};
    for (var k in o) if (o[k] !== undefined) r[k] = o[k];
    return r;
  }

  function draw(id, series, columns, o) {
    var el = document.querySelector('#' + id + ' .plot');
    var opts = {
      width: plotWidth(el),
      height: 260,
      scales: { x: defined({ time: false, range: o.xRange }), y: { range: zeroBased } },
      series: [defined({ label: o.xLabel, value: o.xValue })].concat(series.map(defined)),
      axes: [
        defined({ label: o.xLabel, values: o.xValues, splits: o.xSplits, incrs: o.xSplits ? undefined : WHOLE_STEPS, rotate: o.xRotate, size: o.xSize }),
        defined({ values: o.yValues || compactTicks, incrs: o.yIncrs || WHOLE_STEPS, size: o.ySize || 60 }),
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    var plot = new uPlot(opts, columns, el);
    plots.push({ id: id, plot: plot });
  }

  var timelineX = { xLabel: data.axis, xValue: eventText, xValues: compactTicks, xRange: function () { return [0, Math.max(1, base.events)]; } };
  function withX(o) { var r = {}; for (var k in timelineX) r[k] = timelineX[k]; for (var j in o) r[j] = o[j]; return r; }

  // Bytes in use per heap: one stepped line per heap (and per side: B dashed).
  (function () {
    var names = [];
    sides.forEach(function (s) { s.timeline.heaps.forEach(function (h) { if (names.indexOf(h.name) < 0) names.push(h.name); }); });
    var series = [], cols = [xs];
    sides.forEach(function (s, si) {
      s.timeline.heaps.forEach(function (h) {
        series.push({ label: tag(s) + h.name + (h.size ? ' (of ' + fmtBytes(h.size) + ')' : ''), stroke: HEAP_COLORS[names.indexOf(h.name) % HEAP_COLORS.length], width: 2, dash: si ? [7, 4] : undefined, paths: stepped, value: function (u, v) { return fmtBytes(v); } });
        cols.push(h.bytes);
      });
    });
    if (!series.length) { series.push({ label: 'no bytes allocated', stroke: NAIVE, paths: stepped }); cols.push(xs.map(function () { return 0; })); }
    draw('chart-bytes', series, cols, withX({ yValues: function (u, splits) { return splits.map(fmtBytes); }, yIncrs: BYTE_STEPS, ySize: 80 }));
  })();

  // Syncs issued against naive bracketing, cumulative.
  (function () {
    var series = [], cols = [xs];
    var oneNaive = sides.length === 1 || same(sides[0].timeline.naive, sides[1].timeline.naive);
    sides.forEach(function (s, si) {
      series.push({ label: tag(s) + 'syncs issued', stroke: SIDE_COLORS[si], width: 2, value: function (u, v) { return fmtCount(v); } });
      cols.push(cumulative(s.timeline.syncs));
      if (!oneNaive) { series.push({ label: tag(s) + 'naive', stroke: NAIVE, dash: si ? [2, 3] : [7, 4], width: 2, value: function (u, v) { return fmtCount(v); } }); cols.push(cumulative(s.timeline.naive)); }
    });
    if (oneNaive) { series.push({ label: 'naive (2 per CPU access)', stroke: NAIVE, dash: [7, 4], width: 2, value: function (u, v) { return fmtCount(v); } }); cols.push(cumulative(base.naive)); }
    draw('chart-syncs', series, cols, withX({}));
  })();

  // Syncs per buffer: naive as a wide grey bar, each side's issued syncs in front of it.
  (function () {
    var labels = [];
    sides.forEach(function (s) { s.timeline.buffers.forEach(function (b) { if (labels.indexOf(b.label) < 0) labels.push(b.label); }); });
    if (!labels.length) labels.push('(no buffers)');
    var idx = labels.map(function (l, i) { return i; });
    function column(s, key) {
      var m = {};
      s.timeline.buffers.forEach(function (b) { m[b.label] = b[key]; });
      return labels.map(function (l) { return m[l] || 0; });
    }
    var naiveCols = sides.map(function (s) { return column(s, 'naive'); });
    var oneNaive = sides.length === 1 || same(naiveCols[0], naiveCols[1]);
    var series = [], cols = [idx];
    function count(u, v) { return fmtCount(v); }
    if (oneNaive) {
      series.push({ label: 'naive', fill: '#d5d9de', stroke: NAIVE, paths: uPlot.paths.bars({ size: [0.8, 80] }), points: { show: false }, value: count });
      cols.push(naiveCols[0]);
    }
    sides.forEach(function (s, si) {
      if (!oneNaive) { series.push({ label: tag(s) + 'naive', fill: '#d5d9de', stroke: NAIVE, paths: uPlot.paths.bars({ size: [0.4, 40], align: si ? 1 : -1 }), points: { show: false }, value: count }); cols.push(naiveCols[si]); }
      var size = sides.length === 1 ? [0.5, 50] : [0.36, 36];
      series.push({ label: tag(s) + 'syncs issued', fill: SIDE_COLORS[si], stroke: SIDE_COLORS[si], paths: uPlot.paths.bars({ size: size, align: sides.length === 1 ? 0 : (si ? 1 : -1) }), points: { show: false }, value: count });
      cols.push(column(s, 'issued'));
    });
    draw('chart-buffers', series, cols, {
      xLabel: 'buffer',
      xValue: function (u, v) { return v == null ? '-' : labels[v]; },
      xRange: function () { return [-0.6, labels.length - 0.4]; },
      xSplits: function () { return idx; },
      xValues: function (u, splits) { return splits.map(function (v) { return labels[v] === undefined ? '' : labels[v]; }); },
      xRotate: labels.length > 8 ? -40 : 0,
      xSize: labels.length > 8 ? 110 : 50,
    });
  })();

  // Fallback retries and failed placements per point.
  (function () {
    var series = [], cols = [xs];
    sides.forEach(function (s, si) {
      series.push({ label: tag(s) + 'fallback retries', stroke: SIDE_COLORS[si], fill: fill(SIDE_COLORS[si]), paths: bars, points: { show: false }, value: function (u, v) { return fmtCount(v); } });
      cols.push(s.timeline.fallbacks);
      series.push({ label: tag(s) + 'failed placements', stroke: '#b3261e', dash: si ? [7, 4] : undefined, fill: fill('#b3261e'), paths: bars, points: { show: false }, value: function (u, v) { return fmtCount(v); } });
      cols.push(s.timeline.failures);
    });
    draw('chart-placement', series, cols, withX({}));
  })();

  // Coherency violations per point.
  (function () {
    var series = [], cols = [xs];
    sides.forEach(function (s, si) {
      var color = sides.length === 1 ? '#b3261e' : SIDE_COLORS[si];
      series.push({ label: tag(s) + 'violations', stroke: color, fill: fill(color), paths: bars, points: { show: false }, value: function (u, v) { return fmtCount(v); } });
      cols.push(s.timeline.violations);
    });
    draw('chart-violations', series, cols, withX({}));
  })();

  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: plotWidth(p.plot.root.parentNode), height: 260 }); });
    }, 100);
  });
  document.documentElement.setAttribute('data-charts', String(plots.length));
})();
`;
