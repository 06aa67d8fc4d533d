import { escapeHtml } from './html.js';

export interface Bar {
  /** Under the bar: "W49". */
  label: string;
  /** Undefined: nothing to show (the bar is left out and "no data" written in its place). */
  value: number | undefined;
  /** Above the bar: "67%", "3.5". */
  text: string;
}

export interface BarChart {
  /** Unique on the page: the ids of its title and description. */
  id: string;
  title: string;
  /** What the chart shows, in words, for screen readers (the table beside it gives every figure). */
  description: string;
  bars: Bar[];
  /** The top of the scale, and the values to draw grid lines at (with their labels). */
  max: number;
  ticks: { value: number; label: string }[];
}

const WIDTH = 640;
const HEIGHT = 260;
const LEFT = 48;
const RIGHT = 8;
const TOP = 24;
const BOTTOM = 36;

/**
 * A bar chart as server-rendered SVG in the NHS colours (NHS blue bars, NHS text colour, grey grid lines): an image
 * with its title and description (role="img", labelled by the title and described by the description), its figures written on it too, so colour never
 * carries meaning alone. The data table beside it is the accessible source of every value.
 */
export function barChart(chart: BarChart): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / Math.max(1, chart.bars.length);
  const barW = Math.min(40, slot * 0.7);
  const y = (v: number) => TOP + plotH - (Math.min(v, chart.max) / chart.max) * plotH;
  const small = chart.bars.length > 16;
  const grid = chart.ticks.map((t) => `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(t.value).toFixed(1)}" y2="${y(t.value).toFixed(1)}" class="carepoint-chart__grid"/>
<text x="${LEFT - 6}" y="${(y(t.value) + 4).toFixed(1)}" text-anchor="end" class="carepoint-chart__axis">${escapeHtml(t.label)}</text>`).join('\n');
  const bars = chart.bars.map((b, i) => {
    const cx = LEFT + slot * i + slot / 2;
    const label = `<text x="${cx.toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" class="carepoint-chart__axis">${escapeHtml(small && i % 2 ? '' : b.label)}</text>`;
    if (b.value === undefined) {
      return `${label}\n<text x="${cx.toFixed(1)}" y="${TOP + plotH - 6}" text-anchor="middle" class="carepoint-chart__none">${small ? '' : 'none'}</text>`;
    }
    const top = y(b.value);
    return `<rect x="${(cx - barW / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(TOP + plotH - top).toFixed(1)}" class="carepoint-chart__bar"/>
${small ? '' : `<text x="${cx.toFixed(1)}" y="${(top - 6).toFixed(1)}" text-anchor="middle" class="carepoint-chart__value">${escapeHtml(b.text)}</text>`}
${label}`;
  }).join('\n');
  return `<svg class="carepoint-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${chart.id}-title" aria-describedby="${chart.id}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">
<title id="${chart.id}-title">${escapeHtml(chart.title)}</title>
<desc id="${chart.id}-desc">${escapeHtml(chart.description)}</desc>
${grid}
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" class="carepoint-chart__baseline"/>
${bars}
</svg>`;
}
