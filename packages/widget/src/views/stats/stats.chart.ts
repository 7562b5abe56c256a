/**
 * The stats chart, hand-written SVG (no chart library: the embed's size budget). Two panels over one
 * x axis: votes per period as bars stacked items + subscriptions (below zero when refunds outweigh
 * payments), and under it paying users as a line — a second panel reads better at 360 px than a
 * second y axis squeezed beside the first. The viewBox is the measured width in CSS pixels, so text
 * keeps its size at any width while bars stretch.
 */
import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import type { StatsStrings } from './stats.strings.js';

export interface Point {
  periodStart: string;
  periodEnd: string;
  revenue: number;
  itemsRevenue: number;
  subscriptionsRevenue: number;
  orders: number;
  refunds: number;
  payingUsers: number;
  arppu: number | null;
}

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
  const steps = (): number => Math.ceil(hi / step) - Math.floor(lo / step);
  if (steps() > count + 2) step *= String(step)[0] === '2' ? 2.5 : 2;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= Math.ceil(hi / step) * step; v += step) ticks.push(v);
  return ticks;
}

export function geometry(points: readonly Point[], width: number, axis: (n: number) => string): Geometry {
  const narrow = width < 560;
  let min = 0;
  let max = 0;
  for (const p of points) {
    min = Math.min(min, Math.min(p.itemsRevenue, 0) + Math.min(p.subscriptionsRevenue, 0));
    max = Math.max(max, Math.max(p.itemsRevenue, 0) + Math.max(p.subscriptionsRevenue, 0));
  }
  const ticks = niceTicks(min, max, 4);
  const userTicks = niceTicks(0, Math.max(...points.map((p) => p.payingUsers), 0), 1);
  const chars = Math.max(...[...ticks, ...userTicks].map((v) => axis(v).length));
  const left = Math.max(24, Math.ceil(chars * CHAR) + 10);
  const top = 10;
  const revBottom = top + (narrow ? 170 : 230);
  const usersTop = revBottom + 40;
  const usersBottom = usersTop + (narrow ? 52 : 60);
  return { width, height: usersBottom + 36, left, band: (width - left - 10) / Math.max(points.length, 1), top, revBottom, usersTop, usersBottom, ticks, userTicks };
}

/** A bar from `base` to `end` (pixels), its far end rounded by `r`; upward or downward alike. */
function bar(x: number, w: number, base: number, end: number, r: number): string {
  const s = end < base ? 1 : -1;
  r = Math.min(r, w / 2, Math.abs(end - base));
  return `M${x} ${base}V${end + s * r}Q${x} ${end} ${x + r} ${end}H${x + w - r}Q${x + w} ${end} ${x + w} ${end + s * r}V${base}Z`;
}

export interface ChartModel {
  g: Geometry;
  points: readonly Point[];
  labels: ReadonlyArray<[string, string]>;
  /** Each period's name (tooltip heading) and its full description (the bar group's aria-label). */
  names: readonly string[];
  aria: readonly string[];
  active: number | null;
  focus: number;
  t: StatsStrings;
  /** Compact axis numbers ("1,2 тыс.") and full ones. */
  axis: (n: number) => string;
  num: (n: number) => string;
  on: {
    keydown: (e: KeyboardEvent) => void;
    focusin: (e: FocusEvent) => void;
    focusout: (e: FocusEvent) => void;
    pointermove: (e: PointerEvent) => void;
    pointerleave: () => void;
  };
}

export function renderChart(m: ChartModel): SVGTemplateResult {
  const { g, points, t, axis } = m;
  const lo = g.ticks[0]!;
  const hi = g.ticks.at(-1)!;
  const y = (v: number): number => g.top + ((hi - v) / (hi - lo)) * (g.revBottom - g.top);
  const uMax = g.userTicks.at(-1)!;
  const uy = (v: number): number => g.usersBottom - (v / uMax) * (g.usersBottom - g.usersTop);
  const cx = (i: number): number => g.left + g.band * (i + 0.5);
  const w = Math.min(Math.max(g.band * 0.7, 1), 48);
  const right = g.width - 10;

  // Nonzero segments get at least 1px: a small day next to a big one is still a day with sales.
  const seg = (i: number, from: number, to: number, cls: string, outer: boolean): SVGTemplateResult | typeof nothing => {
    if (from === to) return nothing;
    const base = y(from);
    let end = y(to);
    if (Math.abs(end - base) < 1) end = base + (to > from ? -1 : 1);
    return svg`<path class=${cls} d=${bar(cx(i) - w / 2, w, base, end, outer ? 3 : 0)} />`;
  };

  // Labels far enough apart not to touch, counted back from the latest period so it always has one.
  const widest = Math.max(...m.labels.map(([a]) => a.length), 1);
  const every = Math.max(1, Math.ceil((widest * CHAR + 12) / g.band));
  const place = (i: number, text: string): [number, number] => {
    const half = (text.length * CHAR) / 2;
    return [Math.min(Math.max(cx(i), half + 2), g.width - half - 2), half];
  };
  const mains: SVGTemplateResult[] = [];
  // The month (or year) under the first label and where it changes; when two would touch, the newer wins.
  const subs: Array<{ x: number; half: number; text: string }> = [];
  m.labels.forEach(([main, sub], i) => {
    if ((points.length - 1 - i) % every) return;
    mains.push(svg`<text x=${place(i, main)[0]} y=${g.usersBottom + 16}>${main}</text>`);
    const prev = subs.at(-1);
    if (prev?.text === sub) return;
    const [x, half] = place(i, sub);
    if (prev && prev.x + prev.half + 8 > x - half) subs.pop();
    subs.push({ x, half, text: sub });
  });

  const line = points.map((p, i) => `${i ? 'L' : 'M'}${cx(i)} ${uy(p.payingUsers)}`).join('');
  return svg`<svg class="chart" viewBox="0 0 ${g.width} ${g.height}" height=${g.height} role="group" aria-label=${t.chartLabel}
      @keydown=${m.on.keydown} @focusin=${m.on.focusin} @focusout=${m.on.focusout} @pointermove=${m.on.pointermove} @pointerdown=${m.on.pointermove} @pointerleave=${m.on.pointerleave}>
    ${g.ticks.map((v) => svg`<line class=${v ? 'grid' : 'zero'} x1=${g.left} x2=${right} y1=${y(v)} y2=${y(v)} /><text class="y" x=${g.left - 8} y=${y(v) + 4}>${axis(v)}</text>`)}
    <text class="title" x=${g.left} y=${g.usersTop - 12}>${t.payingUsers}</text>
    ${g.userTicks.map((v) => svg`<line class=${v ? 'grid' : 'zero'} x1=${g.left} x2=${right} y1=${uy(v)} y2=${uy(v)} /><text class="y" x=${g.left - 8} y=${uy(v) + 4}>${axis(v)}</text>`)}
    ${points.map((p, i) => {
      const pos = Math.max(p.itemsRevenue, 0);
      const neg = Math.min(p.itemsRevenue, 0);
      return svg`<g class="period ${m.active === i ? 'active' : ''}" data-i=${i} role="img" tabindex=${i === m.focus ? 0 : -1} aria-label=${m.aria[i]!}>
        <rect class="hit" x=${g.left + g.band * i} y=${g.top - 6} width=${g.band} height=${g.usersBottom - g.top + 10} rx="4" />
        ${seg(i, 0, pos, 'items', p.subscriptionsRevenue <= 0)}
        ${seg(i, pos, pos + Math.max(p.subscriptionsRevenue, 0), 'subs', true)}
        ${seg(i, 0, neg, 'items', p.subscriptionsRevenue >= 0)}
        ${seg(i, neg, neg + Math.min(p.subscriptionsRevenue, 0), 'subs', true)}
      </g>`;
    })}
    ${points.some((p) => p.payingUsers) ? svg`<path class="users" d=${line} />` : nothing}
    ${points.map((p, i) =>
      // Dots only where someone paid (a row of dots on zero is noise) and wide enough to be dots.
      (p.payingUsers && g.band >= 9) || m.active === i ? svg`<circle class="dot ${m.active === i ? 'active' : ''}" cx=${cx(i)} cy=${uy(p.payingUsers)} r="3" />` : nothing,
    )}
    <g class="x">${mains}${subs.map((l) => svg`<text class="sub" x=${l.x} y=${g.usersBottom + 30}>${l.text}</text>`)}</g>
  </svg>`;
}

/** The hovered or focused period's figures beside its column, on the side with more room. */
export function renderTooltip(m: ChartModel, votes: (n: number) => string, arppu: string): TemplateResult | typeof nothing {
  const i = m.active;
  const p = i === null ? undefined : m.points[i];
  if (i === null || !p) return nothing;
  const { g, t, num } = m;
  const x = g.left + g.band * (i + 0.5);
  const side = x > g.width / 2 ? `right:${g.width - x + g.band / 2 + 6}px` : `left:${x + g.band / 2 + 6}px`;
  return html`<div class="tip" part="tooltip" aria-hidden="true" style="${side};top:${g.top}px">
    <strong>${m.names[i]}</strong>
    <span class="tip-total">${votes(p.revenue)}</span>
    <span><i class="sw items"></i>${t.items}<b>${num(p.itemsRevenue)}</b></span>
    <span><i class="sw subs"></i>${t.subscriptions}<b>${num(p.subscriptionsRevenue)}</b></span>
    <span>${t.orders}<b>${num(p.orders)}</b></span>
    <span>${t.refunds}<b>${num(p.refunds)}</b></span>
    <span><i class="sw users"></i>${t.payingShort}<b>${num(p.payingUsers)}</b></span>
    <span>${t.arppu}<b>${arppu}</b></span>
  </div>`;
}
