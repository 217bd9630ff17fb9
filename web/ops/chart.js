/**
 * A line chart drawn as inline SVG: a handful of series over a shared time axis is all the operator page needs,
 * which does not justify a charting library.
 */
import { svg } from '/assets/dom.js';
import { niceCeiling } from './health.js';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 26, left: 40 };

/**
 * `filled` comes from fillSeries; `series` is `[{ name, label, color, dash }]`. The chart is one image to assistive
 * technology, described by `description`.
 */
export function drawLineChart(filled, series, { title, description }) {
  const { start, end, points } = filled;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const maxValue = niceCeiling(Math.max(0, ...points.flatMap((point) => series.map((line) => point.values[line.name]))));
  const x = (t) => PAD.left + (end === start ? plotWidth : ((t - start) / (end - start)) * plotWidth);
  const y = (value) => PAD.top + plotHeight - (value / maxValue) * plotHeight;

  const grid = [0, 0.5, 1].map((fraction) => {
    const value = maxValue * fraction;
    return svg(
      'g',
      {},
      svg('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }),
      svg('text', { class: 'axis-label', x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, formatTick(value)),
    );
  });
  const minutes = Math.round((end - start) / 60_000);
  const stepMinutes = minutes > 10 ? 5 : 1;
  const ticks = [];
  for (let ago = 0; ago <= minutes; ago += stepMinutes) {
    ticks.push(
      svg(
        'text',
        { class: 'axis-label', x: x(end - ago * 60_000), y: HEIGHT - 6, 'text-anchor': ago === minutes ? 'start' : ago === 0 ? 'end' : 'middle' },
        ago === 0 ? 'now' : `−${ago} min`,
      ),
    );
  }
  const lines = series.map((line) =>
    svg('polyline', {
      class: 'series',
      'data-series': line.name,
      stroke: line.color,
      'stroke-dasharray': line.dash,
      points: points.map((point) => `${x(point.t).toFixed(1)},${y(point.values[line.name]).toFixed(1)}`).join(' '),
    }),
  );
  return svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc' },
    svg('title', { id: 'chart-title' }, title),
    svg('desc', { id: 'chart-desc' }, description),
    grid,
    ticks,
    lines,
  );
}

function formatTick(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
