/**
 * The bench's load, made before the run: signed VK notification bodies, one per line, that wrk replays
 * (replay.lua). Signing during the run would cost the generator an MD5 per request on the cores the
 * server needs. The mix is the bench's: line 0, 2, 4… a `chargeable` order with an order id never used
 * before (every one a real insert), line 1, 3, 5… a `get_item`.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { signParams } from '../dist/notifications/signature.js';

/** Whether line `i` of a bodies file is a chargeable order (the others are get_item). */
export const isChargeable = (i) => i % 2 === 0;

/**
 * Distinct chargeable orders among the first `sent` lines replayed from a file of `lines` lines: once
 * the file wraps around, its orders are repeats (answered, not recorded again).
 * @param {number} sent
 * @param {number} lines
 */
export const distinctOrders = (sent, lines) => Math.ceil(Math.min(sent, lines) / 2);

/**
 * The body of line `i`. The user id cycles over 5,000 users.
 * @param {number} i
 * @param {{ app: number, secret: string, firstOrderId: number }} o
 */
export function body(i, { app, secret, firstOrderId }) {
  const common = { app_id: String(app), user_id: String(1 + (i % 5000)), version: '5.132', item: 'gem_pack' };
  const fields = isChargeable(i)
    ? {
        ...common,
        notification_type: 'order_status_change',
        status: 'chargeable',
        item_price: '10',
        order_id: String(firstOrderId + i / 2),
      }
    : { ...common, notification_type: 'get_item', lang: 'ru_RU', order_id: String(i) };
  return new URLSearchParams(signParams(fields, secret)).toString();
}

/**
 * Writes `lines` bodies to `path`; their order ids are firstOrderId, firstOrderId + 1, …
 * @param {string} path
 * @param {number} lines
 * @param {{ app: number, secret: string, firstOrderId: number }} o
 */
export async function writeBodies(path, lines, o) {
  const out = createWriteStream(path);
  const chunk = 10_000;
  for (let from = 0; from < lines; from += chunk) {
    let text = '';
    for (let i = from; i < Math.min(lines, from + chunk); i++) text += `${body(i, o)}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
