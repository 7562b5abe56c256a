/**
 * What a person checks on a screenshot, as assertions: nothing sticks out sideways, nothing scrolls
 * sideways that should not, boxes line up, text is readable. Each walks the element's shadow tree,
 * nested shadow roots included.
 */

/** Every element under `root`, into open shadow roots. */
function* all(root: ParentNode): Generator<Element> {
  for (const el of root.querySelectorAll('*')) {
    yield el;
    if (el.shadowRoot) yield* all(el.shadowRoot);
  }
}

const parentOf = (el: Element): Element | null => el.parentElement ?? (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);

/** `tag#id.class[part]`, enough to find the element in the source. */
export function describeEl(el: Element): string {
  const part = el.getAttribute('part');
  return `${el.localName}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}${part ? `[part="${part}"]` : ''}`;
}

/** The box that clips `el` sideways: its nearest ancestor inside `host` that does not let overflow show, else `host`. */
function clipOf(el: Element, host: Element): Element {
  for (let p = parentOf(el); p && p !== host; p = parentOf(p)) if (getComputedStyle(p).overflowX !== 'visible') return p;
  return host;
}

/**
 * Elements of `host` that stick out sideways of it, or of the scrolling box that holds them (which
 * would cut them off), by more than a pixel; and `host` itself when it is wider than the window.
 * Boxes named in `scrolling` (as describeEl() names them) are meant to scroll sideways: what they
 * hold may extend past them.
 */
export function sticksOut(host: HTMLElement, scrolling: readonly string[] = []): string[] {
  const out: string[] = [];
  const page = document.documentElement.clientWidth;
  const own = host.getBoundingClientRect();
  if (own.left < -1 || own.right > page + 1)
    out.push(`${describeEl(host)} spans ${Math.round(own.left)}–${Math.round(own.right)} of a ${page} px window`);
  for (const el of all(host.shadowRoot!)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const clip = clipOf(el, host);
    if (scrolling.includes(describeEl(clip))) continue;
    const box = clip.getBoundingClientRect();
    if (box.width <= 1) continue; // inside a visually hidden box (a table's headings on a phone): for screen readers only
    if (r.left < box.left - 1 || r.right > box.right + 1)
      out.push(
        `${describeEl(el)} spans ${Math.round(r.left)}–${Math.round(r.right)}, its box ${Math.round(box.left)}–${Math.round(box.right)}`,
      );
  }
  return out;
}

/** Boxes of `host` whose content is wider than they are, so that part of it is only seen by scrolling sideways. */
export function scrollsSideways(host: HTMLElement): string[] {
  return [...all(host.shadowRoot!)]
    .filter((el) => el.scrollWidth > el.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(el).overflowX))
    .map(describeEl);
}

/** The rounded top of each element, to compare rows. */
export const tops = (els: Iterable<Element>): number[] => [...els].map((el) => Math.round(el.getBoundingClientRect().top));

/** True when `inner` lies wholly inside `outer`, to a pixel. */
export function inside(inner: Element, outer: Element): boolean {
  const [a, b] = [inner.getBoundingClientRect(), outer.getBoundingClientRect()];
  return a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
}

/** Pairs of elements whose boxes overlap (by more than a pixel), e.g. axis labels running into each other. */
export function overlapping(els: readonly Element[]): string[] {
  const boxes = els.map((el) => [el, el.getBoundingClientRect()] as const);
  const out: string[] = [];
  boxes.forEach(([a, ra], i) => {
    for (const [b, rb] of boxes.slice(i + 1)) {
      if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
        out.push(`"${a.textContent}" and "${b.textContent}"`);
    }
  });
  return out;
}

/** An `rgb()`/`rgba()` colour as [r, g, b, alpha]. */
function rgba(color: string): [number, number, number, number] {
  const [r = 0, g = 0, b = 0, a = 1] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return [r, g, b, a];
}

/** WCAG 2.2's contrast ratio of `fg` (its alpha and `opacity` laid over `bg`) on an opaque `bg`. */
export function contrast(fg: string, bg: string, opacity = 1): number {
  const [br, bgG, bb] = rgba(bg);
  const [r, g, b, a] = rgba(fg);
  const k = a * opacity;
  const lum = (c: number[]): number => {
    const [x, y, z] = c.map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * x! + 0.7152 * y! + 0.0722 * z!;
  };
  const [l1, l2] = [lum([r * k + br * (1 - k), g * k + bgG * (1 - k), b * k + bb * (1 - k)]), lum([br, bgG, bb])];
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}

/**
 * SVG text in `host` under 4.5:1 against the element's background (axe-core does not judge SVG text):
 * its fill, with its own and its parents' opacity, as `text "…" 3.2:1`.
 */
export function faintSvgText(host: HTMLElement): string[] {
  const bg = getComputedStyle(host).backgroundColor;
  return [...all(host.shadowRoot!)]
    .filter((el): el is SVGTextElement => el instanceof SVGTextElement)
    .map((el) => {
      let opacity = 1;
      for (let p: Element | null = el; p && p !== host; p = parentOf(p)) opacity *= Number(getComputedStyle(p).opacity);
      return [el, contrast(getComputedStyle(el).fill, bg, opacity)] as const;
    })
    .filter(([, ratio]) => ratio < 4.5)
    .map(([el, ratio]) => `text "${el.textContent}" ${ratio.toFixed(2)}:1`);
}
