/**
 * axe-core (https://github.com/dequelabs/axe-core) in the browser tests: what it finds in an element,
 * its open shadow roots included, as lines a person can act on.
 */
import axe from 'axe-core';

/** One line per element of each violation: the rule, its impact, where, and what to fix. */
function lines(results: axe.AxeResults, impacts: ReadonlyArray<axe.ImpactValue>): string[] {
  return results.violations
    .filter((v) => v.impact && impacts.includes(v.impact))
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`),
    );
}

/** The serious and critical violations of WCAG 2.2 A/AA and axe's best practices in `el`. */
export async function seriousProblems(el: Element): Promise<string[]> {
  return lines(await axe.run(el, { resultTypes: ['violations'] }), ['serious', 'critical']);
}

/** Only text contrast (WCAG 2.2 AA, 4.5:1, 3:1 for large text) in `el`: every failure. */
export async function contrastProblems(el: Element): Promise<string[]> {
  return lines(await axe.run(el, { runOnly: ['color-contrast'], resultTypes: ['violations'] }), [
    'minor',
    'moderate',
    'serious',
    'critical',
  ]);
}
