/**
 * Helpers for the browser tests: mount an element wired to the real test server, call GraphQL as root
 * (to mint keys of other roles, or to check what a view saved), and save screenshots for people to look at.
 */
import { expect, inject } from 'vitest';
import { commands, page, type Locator } from 'vitest/browser';
import { SEED } from './fixtures.js';

let mounted = 0;

export interface Mounted<E extends HTMLElement> {
  el: E;
  /** A locator scoped to this element (it pierces open shadow roots). */
  view: Locator;
}

/** Appends `<tag endpoint app-id token …>` to the page; attributes given override the defaults. */
export function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | null> = {},
): Mounted<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  el.dataset.testid = `${tag}-${++mounted}`;
  const defaults: Record<string, string> = {
    endpoint: inject('vkpEndpoint'),
    'app-id': String(inject('vkpAppId')),
    token: inject('vkpToken'),
  };
  for (const [name, value] of Object.entries({ ...defaults, ...attributes })) {
    if (value !== null) el.setAttribute(name, value);
  }
  document.body.append(el);
  return { el, view: page.getByTestId(el.dataset.testid) };
}

/** GraphQL as root, straight to the server (through the test page's proxy). Throws on errors. */
export async function rootGql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(inject('vkpEndpoint'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${inject('vkpToken')}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/** A fresh API key of `role` for the seeded app (MODERATOR keys are platform-wide). */
export async function keyFor(role: 'CREATOR' | 'ADMIN' | 'PAYMENTS_ADMIN' | 'VIEWER' | 'MODERATOR'): Promise<string> {
  const app = role === 'MODERATOR' ? '' : `vkAppId: ${inject('vkpAppId')}, `;
  const data = await rootGql<{ createApiKey: { token: string } }>(
    `mutation { createApiKey(${app}role: ${role}, label: "widget test") { token } }`,
  );
  return data.createApiKey.token;
}

/** Saves a screenshot under test/__screenshots__/ (git-ignored) once `ready` is visible. */
export async function screenshot(view: Locator, name: string, ready?: Locator): Promise<void> {
  if (ready) await expect.element(ready).toBeVisible();
  await view.screenshot({ path: `./__screenshots__/${name}.png` });
}

let seq = 0;
/** VK's order ids are big integers; a timestamp keeps them unique across runs against one server. */
export const newOrderId = (): string => `${Date.now()}${String(++seq).padStart(3, '0')}`;
/** A user id of the test's own, within `[base, base + 10^8)`, so tests never see each other's rows. */
export const newUserId = (base: number): number => base + Math.floor(Math.random() * 100_000_000);

/** A real purchase of the seeded item, signed as VK does (`fields` override any of its fields). */
export function buy(user: number, order: string, fields: Record<string, string | number> = {}): Promise<string> {
  return commands.vkpNotify({
    app_id: SEED.vkAppId,
    item: 'gem_pack',
    item_price: 10,
    notification_type: 'order_status_change',
    status: 'chargeable',
    order_id: order,
    user_id: user,
    version: '5.132',
    ...fields,
  });
}
