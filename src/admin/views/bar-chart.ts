import { html, type SafeHtml } from '../html.js';

export interface BarSeries {
  name: string;
  /** A class from the admin stylesheet that colours the bars (`bar-a`, `bar-b`). */
  className: string;
  values: number[];
}

export interface BarChartOptions {
  title: string;
  labels: string[];
  series: BarSeries[];
  /** How a bucket label is shown under the axis (e.g. "15" for an hour, "7 Dec" for a day). */
  shortLabel(label: string): string;
}

const WIDTH = 760;
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 36 };

/**
 * A grouped bar chart as inline SVG, drawn here so the page needs no script and no chart library.
 * Colours come from classes rather than inline styles, which the admin's CSP forbids.
 */
export function barChart(options: BarChartOptions): SafeHtml {
  const { labels, series } = options;
  const max = niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, labels.length);
  const barWidth = Math.max(1, (slot * 0.8) / series.length);
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const labelEvery = Math.ceil(labels.length / 16);

  // Counts are whole numbers: a half-way line is drawn only when it falls on one.
  const ticks = [0, max / 2, max].filter(Number.isInteger).map(
    (value) => html`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(value)}" y2="${y(value)}"/>
      <text class="axis" x="${PAD.left - 6}" y="${y(value) + 4}" text-anchor="end">${round(value)}</text>`,
  );
  const bars = labels.map((label, i) =>
    series.map((s, j) => {
      const value = s.values[i] ?? 0;
      const x = PAD.left + i * slot + slot * 0.1 + j * barWidth;
      return html`<rect class="${s.className}" x="${round(x)}" y="${round(y(value))}" width="${round(barWidth)}" height="${round(plotHeight + PAD.top - y(value))}"><title>${label}: ${value} ${s.name}</title></rect>`;
    }),
  );
  const axisLabels = labels.map((label, i) =>
    i % labelEvery === 0
      ? html`<text class="axis" x="${round(PAD.left + i * slot + slot / 2)}" y="${HEIGHT - 10}" text-anchor="middle">${options.shortLabel(label)}</text>`
      : '',
  );
  const legend = series.map((s) => html`<span class="legend"><span class="swatch ${s.className}"></span>${s.name}</span>`);
  return html`<figure class="chart">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${options.title}" xmlns="http://www.w3.org/2000/svg">
      ${ticks}${bars}${axisLabels}
    </svg>
    <figcaption>${options.title} ${legend}</figcaption>
  </figure>`;
}

/** 1, 2, 5 × 10^n at or above the value, so the axis reads in round numbers. */
function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
