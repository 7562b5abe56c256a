import { describe, expect, it } from 'vitest';
import { decode, encode, MAX_PAYLOAD_BYTES, type BusEvent } from './events.js';

describe('bus payloads', () => {
  it('carry 3,000 log rows in payloads PostgreSQL accepts (under 8,000 bytes), every row once', () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ id: 9_000_000_000 + i, vkAppId: 51_000_000 + (i % 7) }));
    const payloads = encode({ type: 'logged', origin: 'a1b2c3d4', rows });
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(MAX_PAYLOAD_BYTES);
    const back = payloads.map(decode).flatMap((e) => (e?.type === 'logged' ? e.rows : []));
    expect(back).toEqual(rows);
  });

  it('read back what they carry', () => {
    const events: BusEvent[] = [
      { type: 'due', origin: 'x' },
      { type: 'changed', table: 'catalog_items', appIds: [3, 4], vkAppIds: [] },
      { type: 'changed', table: null, appIds: null, vkAppIds: [] },
      { type: 'logged', origin: 'y', rows: [{ id: 1, vkAppId: 2 }] },
    ];
    for (const e of events) expect(encode(e).map(decode)).toEqual([e]);
  });

  it('read what the database triggers send: a null app list means anything may have changed', () => {
    expect(decode('{"t": "changed", "k": "apps", "a": [7], "v": [61001]}')).toEqual({
      type: 'changed',
      table: 'apps',
      appIds: [7],
      vkAppIds: [61001],
    });
    expect(decode('{"t": "changed", "k": "api_keys", "a": null, "v": []}')).toEqual({
      type: 'changed',
      table: 'api_keys',
      appIds: null,
      vkAppIds: [],
    });
  });

  it('ignore whatever else someone sends on the channel', () => {
    for (const junk of [
      '',
      'not json',
      'null',
      '42',
      '{"t":"logged","o":"x","r":[1]}',
      '{"t":"logged","o":"x","r":["1","2"]}',
      '{"t":"drop tables"}',
    ]) {
      expect(decode(junk)).toBeNull();
    }
  });
});
