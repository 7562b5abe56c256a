/**
 * The Prometheus rules an operator loads as they are (deploy/prometheus/vk-payments.rules.yml): Prometheus's
 * own checker accepts them, each rule passes its unit tests (vk-payments.rules.test.yml), and every metric
 * and label a rule reads is one a real server exports after real traffic, so renaming a metric or a label
 * fails here instead of silencing an alert in production.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIALECT, pendingDelivery, ROOT_TOKEN, SECRET, signed, startTestServer, until, type TestServer } from './helpers.js';
import { PAYING_APP, seedPayingApp } from './sockets.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const RULES_DIR = join(REPO, 'deploy/prometheus');
const RULES = join(RULES_DIR, 'vk-payments.rules.yml');
const PROMTOOL = '/usr/bin/promtool';

/** Prometheus's own names: series it makes itself, not the server's. */
const PROMETHEUS_OWN = new Set(['up']);

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd: RULES_DIR, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Each rule's `expr`, one line each (a rule written over several lines would be missed: counted below). */
export function ruleExpressions(text: string): { alerts: number; exprs: string[] } {
  const exprs = [...text.matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1]!.trim());
  return { alerts: [...text.matchAll(/^\s*- alert:/gm)].length, exprs };
}

/** Every `metric{label="…"}` selector in an expression: the metric and the label names it matches on. */
export function selectors(expr: string): { metric: string; labels: string[] }[] {
  const out: { metric: string; labels: string[] }[] = [];
  // A name followed by `{` or by a space/`)`/`[`/comparison, that is not a function or a keyword.
  for (const m of expr.matchAll(/\b([a-z_][a-z0-9_]*)\s*(\{([^}]*)\})?/g)) {
    const name = m[1]!;
    const next = expr.slice(m.index + m[0].length).trimStart();
    if (next.startsWith('(')) continue; // sum(, increase(, max(…
    if (['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset'].includes(name)) continue;
    if (/^(\d|\[)/.test(name)) continue;
    if (!name.includes('_') && !PROMETHEUS_OWN.has(name)) continue; // `job`, `instance` inside by (…)
    const labels = [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((l) => l[1]!);
    out.push({ metric: name, labels });
  }
  return out;
}

beforeAll(() => {
  // Debian's prometheus package ships promtool; installed here when missing, as CI's other tools are.
  execFileSync('bash', [join(REPO, 'scripts/ensure-debian-package.sh'), PROMTOOL, 'prometheus', "the alert rules' tests"], {
    stdio: 'inherit',
  });
}, 300_000);

describe('the alert rules file', () => {
  it('is accepted by promtool check rules', () => {
    const checked = promtool('check', 'rules', RULES);
    expect(checked.output).toMatch(/SUCCESS: 8 rules found/);
    expect(checked.status).toBe(0);
  });

  it('passes every rule unit test (promtool test rules)', () => {
    const tested = promtool('test', 'rules', 'vk-payments.rules.test.yml');
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it('gives every rule a one-line runbook, a summary and a description', () => {
    const text = readFileSync(RULES, 'utf8');
    const { alerts } = ruleExpressions(text);
    expect(alerts).toBe(8);
    expect([...text.matchAll(/^\s*runbook: '[^\n]+'$/gm)]).toHaveLength(alerts);
    expect([...text.matchAll(/^\s*summary: /gm)]).toHaveLength(alerts);
    expect([...text.matchAll(/^\s*description: /gm)]).toHaveLength(alerts);
  });
});

describe('the metrics the rules read', () => {
  let t: TestServer;
  let scraped: string;

  beforeAll(async () => {
    // One retry, at once: a delivery to a port nothing listens on goes retrying, then failed.
    t = await startTestServer(DEFAULT_DIALECT, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1', VKP_FULFILMENT_RETRY_DELAYS: '0.05' });
    await seedPayingApp(t);
    const endpoint = await t.gql(
      `mutation { setFulfilmentEndpoint(vkAppId: ${PAYING_APP}, input: {url: "http://127.0.0.1:9/hook"}) { signingSecret } }`,
    );
    expect(endpoint.errors).toBeUndefined();
    const order = { app_id: PAYING_APP, item: 'gem_pack', item_price: 10, order_id: 1, status: 'chargeable', user_id: 7, version: '5.132' };
    await t.notify(signed({ ...order, notification_type: 'order_status_change' }));
    await t.notify(signed({ ...order, notification_type: 'order_status_change', order_id: 2 }, `${SECRET}x`));
    await t.gql('{ apps { vkAppId } }', {}, ROOT_TOKEN);
    // The backlog gauges are read at most every 5 s (observability/metrics.ts): a scrape may show the event pending a while longer.
    scraped = await until(
      'the delivery to fail for good, and the backlog gauges to show it',
      async () => {
        const text = await (await fetch(`${t.url}/metrics`)).text();
        return (
          /^vkp_fulfilment_attempts_total\{outcome="failed"\} 1$/m.test(text) && /^vkp_fulfilment_pending_deliveries 0$/m.test(text) && text
        );
      },
      15_000,
    );
  });
  afterAll(() => t?.close());

  it('each metric and label a rule reads is one the server exports', () => {
    const { exprs, alerts } = ruleExpressions(readFileSync(RULES, 'utf8'));
    expect(exprs).toHaveLength(alerts);
    const used = exprs.flatMap(selectors).filter((s) => !PROMETHEUS_OWN.has(s.metric));
    expect(used.map((s) => s.metric).sort()).toEqual([
      'vkp_fulfilment_attempts_total',
      'vkp_fulfilment_attempts_total',
      'vkp_fulfilment_oldest_pending_seconds',
      'vkp_notifications_slow_total',
      'vkp_notifications_total',
      'vkp_notifications_total',
      'vkp_ready',
    ]);
    for (const { metric, labels } of used) {
      const samples = scraped.split('\n').filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `));
      expect(samples, `${metric} is not exported`).not.toEqual([]);
      for (const label of labels)
        expect(
          samples.some((s) => s.includes(`${label}="`)),
          `${metric} has no label ${label}`,
        ).toBe(true);
    }
  });

  it('reports what the rules alert on: bad signatures, failed deliveries, readiness, the backlog', () => {
    expect(scraped).toMatch(/^vkp_notifications_total\{type="order_status_change",test="false",result="10"\} 1$/m);
    expect(scraped).toMatch(/^vkp_fulfilment_attempts_total\{outcome="retrying"\} 1$/m);
    expect(scraped).toMatch(/^vkp_ready 1$/m);
    expect(scraped).toMatch(/^vkp_fulfilment_pending_deliveries 0$/m);
    expect(scraped).toMatch(/^vkp_fulfilment_oldest_pending_seconds 0$/m);
  });
});

describe('the gauges read at each scrape', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(DEFAULT_DIALECT, { VKP_ALLOW_PRIVATE_URLS: '127.0.0.1' });
    await seedPayingApp(t);
  });
  afterAll(() => t?.close());

  const gauge = async (name: string): Promise<number> => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    expect(line, `${name} is not exported`).not.toBeNull();
    return Number(line![1]);
  };

  it('count an event the game backend has not got yet, and its age', async () => {
    const item = await t.gql(
      `mutation { upsertCatalogItem(vkAppId: ${PAYING_APP}, input: {itemId: "gem", title: "Gem", price: 5}) { itemId } }`,
    );
    expect(item.errors).toBeUndefined();
    await pendingDelivery(t, PAYING_APP, 'gem');
    expect(await gauge('vkp_fulfilment_pending_deliveries')).toBe(1);
    expect(await gauge('vkp_fulfilment_oldest_pending_seconds')).toBeGreaterThan(0);
  });

  it('say not ready while /readyz answers 503 (draining)', async () => {
    expect(await gauge('vkp_ready')).toBe(1);
    const closing = t.server.close({ drainMs: 60_000 });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    expect(await gauge('vkp_ready')).toBe(0);
    await t.server.close(); // cuts the drain short
    await closing;
  });
});
