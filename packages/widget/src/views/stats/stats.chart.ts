/**
 * The stats chart, hand-written SVG (no chart library: the embed's size budget). Two panels over one
 * x axis: votes per period as bars stacked items + subscriptions (below zero when refunds outweigh
 * payments), and under it paying users as a line — a second panel reads better at 360 px than a
 * second y axis squeezed beside the first. The viewBox is the measured width in CSS pixels, so text
 * keeps its size at any width while bars stretch. Pointer and keyboard handling is the component's,
 * on the frame around it; the tooltip too.
 */
import { nothing, svg, type SVGTemplateResult } from 'lit';
import type { StatsQuery } from '../../generated/operations.js';
import type { StatsStrings } from './stats.strings.js';

/** A period of the stats query's answer. */
export type Point = StatsQuery['paymentStats']['points'][number];

/** Where things are, in viewBox units (= CSS px); the component maps pointer positions with it. */
export interface Geometry {
  width: number;
  height: number;
  left: number;
  band: number;
  top: number;
  revBottom: number;
  usersTop: number;
  usersBottom: number;
  ticks: number[];
  userTicks: number[];
}

/** Average glyph width of the 11px axis text: enough to keep labels apart without measuring. */
const CHAR = 6.4;

/**
 * Round ticks on 1-2-5 steps covering min..max and zero; integers, as votes are. The step is the
 * nice number nearest the raw one (thresholds √2, √10, √50 as d3 uses), not the next one up, so a
 * small dip below zero costs one step of space, not a third of the plot.
 */
export function niceTicks(min: number, max: number, count: number): number[] {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (lo === hi) return [0, 5, 10]; // no data still gets an axis, a calm one
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  let step = Math.max(1, (f < 1.42 ? 1 : f < 3.17 ? 2 : f < 7.08 ? 5 : 10) * mag);
  // Rounding down can double the count; past count + 2 lines the grid gets busy, so take the next step.
  if (Math.ceil(hi / step) - Math.floor(lo / step) > count + 2) step *= String(step)[0] === '2' ? 2.5 : 2;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= Math.ceil(hi / step) * step; v += step) ticks.push(v);
  return ticks;
}

export function geometry(points: readonly Point[], width: number, axis: (n: number) => string): Geometry {
  const narrow = width < 560;
  // The stacks' extremes: what sits above zero in a period, and what below.
  const stack = (side: (a: number, b: number) => number): number[] =>
    points.map((p) => side(p.itemsRevenue, 0) + side(p.subscriptionsRevenue, 0));
  const ticks = niceTicks(Math.min(...stack(Math.min)), Math.max(...stack(Math.max)), 4);
  const userTicks = niceTicks(0, Math.max(...points.map((p) => p.payingUsers)), 1);
  const left = Math.max(24, Math.ceil(Math.max(...[...ticks, ...userTicks].map((v) => axis(v).length)) * CHAR) + 10);
  const revBottom = narrow ? 180 : 240;
  const usersTop = revBottom + 40;
  const usersBottom = usersTop + (narrow ? 52 : 60);
  return {
    width,
    height: usersBottom + 36,
    left,
    band: (width - left - 10) / Math.max(points.length, 1),
    top: 10,
    revBottom,
    usersTop,
    usersBottom,
    ticks,
    userTicks,
  };
}

/** A bar from `base` to `end` (pixels), its far end rounded by `r`; upward or downward alike. */
export function bar(x: number, w: number, base: number, end: number, r: number): string {
  const s = end < base ? 1 : -1;
  r = Math.min(r, w / 2, Math.abs(end - base));
  return `M${x} ${base}V${end + s * r}Q${x} ${end} ${x + r} ${end}H${x + w - r}Q${x + w} ${end} ${x + w} ${end + s * r}V${base}Z`;
}

export interface ChartModel {
  g: Geometry;
  points: readonly Point[];
  /** Each period's two-line x-axis label (stats.dates.ts). */
  labels: ReadonlyArray<[string, string]>;
  /** Each period's full description: the bar group's aria-label. */
  aria: readonly string[];
  active: number | null;
  focus: number;
  t: StatsStrings;
  /** Compact axis numbers ("1,2 тыс."). */
  axis: (n: number) => string;
}

export function renderChart({ g, points, labels, aria, active, focus, t, axis }: ChartModel): SVGTemplateResult {
  /** A panel's y scale (pixels of a value) and its grid: a line and a number per tick, zero stronger. */
  const panel = (ticks: number[], top: number, bottom: number): [(v: number) => number, SVGTemplateResult[]] => {
    const lo = ticks[0]!;
    const at = (v: number): number => bottom - ((v - lo) / (ticks.at(-1)! - lo)) * (bottom - top);
    return [
      at,
      ticks.map(
        (v) =>
          svg`<line class=${v ? 'grid' : 'zero'} x1=${g.left} x2=${g.width - 10} y1=${at(v)} y2=${at(v)} /><text class="y" x=${g.left - 8} y=${at(v) + 4}>${axis(v)}</text>`,
      ),
    ];
  };
  const [y, revGrid] = panel(g.ticks, g.top, g.revBottom);
  const [uy, usersGrid] = panel(g.userTicks, g.usersTop, g.usersBottom);
  const cx = (i: number): number => g.left + g.band * (i + 0.5);
  const w = Math.min(Math.max(g.band * 0.7, 1), 48);

  // Nonzero segments get at least 1px: a small day next to a big one is still a day with sales.
  const seg = (i: number, from: number, to: number, cls: string, r: number): SVGTemplateResult | typeof nothing => {
    if (from === to) return nothing;
    const base = y(from);
    let end = y(to);
    if (Math.abs(end - base) < 1) end = base + (to > from ? -1 : 1);
    return svg`<path class=${cls} d=${bar(cx(i) - w / 2, w, base, end, r)} />`;
  };

  // Labels far enough apart not to touch, counted back from the latest period so it always has one.
  const every = Math.max(1, Math.ceil((Math.max(...labels.map(([a]) => a.length)) * CHAR + 12) / g.band));
  const place = (i: number, text: string): [number, number] => {
    const half = (text.length * CHAR) / 2;
    return [Math.min(Math.max(cx(i), half + 2), g.width - half - 2), half];
  };
  const mains: SVGTemplateResult[] = [];
  // The month (or year) under the first label and where it changes; when two would touch, the newer wins.
  const subs: Array<[x: number, half: number, text: string]> = [];
  labels.forEach(([main, sub], i) => {
    if ((points.length - 1 - i) % every) return;
    mains.push(svg`<text x=${place(i, main)[0]} y=${g.usersBottom + 16}>${main}</text>`);
    const prev = subs.at(-1);
    if (prev?.[2] === sub) return;
    const [x, half] = place(i, sub);
    if (prev && prev[0] + prev[1] + 8 > x - half) subs.pop();
    subs.push([x, half, sub]);
  });

  return svg`<svg class="chart" viewBox="0 0 ${g.width} ${g.height}" height=${g.height} role="group" aria-label=${t.chartLabel}>
    ${revGrid}
    <text class="title" x=${g.left} y=${g.usersTop - 12}>${t.payingUsers}</text>
    ${usersGrid}
    ${points.map(
      (
        p,
        i,
      ) => svg`<g class="period ${active === i ? 'active' : ''}" data-i=${i} role="img" tabindex=${i === focus ? 0 : -1} aria-label=${aria[i]!}>
        <rect class="hit" x=${g.left + g.band * i} y=${g.top - 6} width=${g.band} height=${g.usersBottom - g.top + 10} rx="4" />
        ${[Math.max, Math.min].map((side) => {
          // Above zero, then below: items from the axis out, subscriptions on top; the outer one rounded.
          const items = side(p.itemsRevenue, 0);
          const subsRevenue = side(p.subscriptionsRevenue, 0);
          return [seg(i, 0, items, 'items', subsRevenue ? 0 : 3), seg(i, items, items + subsRevenue, 'subs', 3)];
        })}
      </g>`,
    )}
    ${points.some((p) => p.payingUsers) ? svg`<path class="users" d=${points.map((p, i) => `${i ? 'L' : 'M'}${cx(i)} ${uy(p.payingUsers)}`).join('')} />` : nothing}
    ${points.map((p, i) =>
      // Dots only where someone paid (a row of dots on zero is noise) and wide enough to be dots.
      (p.payingUsers && g.band >= 9) || active === i
        ? svg`<circle class="dot ${active === i ? 'active' : ''}" cx=${cx(i)} cy=${uy(p.payingUsers)} r="3" />`
        : nothing,
    )}
    <g class="x">${mains}${subs.map(([x, , text]) => svg`<text class="sub" x=${x} y=${g.usersBottom + 30}>${text}</text>`)}</g>
  </svg>`;
}
