import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKey, DIALECTS, issueToken, migratedOrm } from '../../test/helpers.js';
import { App } from '../apps/app.entity.js';
import { authenticate, resetRootToken } from './tokens.js';

describe.each(DIALECTS)('root token reset on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof migratedOrm>>;

  beforeAll(async () => {
    db = await migratedOrm(dialect);
    const em = db.orm.em.fork();
    em.create(App, { vkAppId: 7, name: 'Reset', ...appKey(7) });
    await em.flush();
  });
  afterAll(() => db?.close());

  it('ends the widget sessions minted with a root token, keeps those minted with an API key, and issues a working token', async () => {
    const inAnHour = new Date(Date.now() + 3_600_000);
    const key = await issueToken(db.orm, 7, 'ADMIN');
    const viaRoot = await issueToken(db.orm, 7, 'ADMIN', { viaKeyId: null, expiresAt: inAnHour });
    const viaKey = await issueToken(db.orm, 7, 'PAYMENTS_ADMIN', { viaKeyId: key.id, expiresAt: inAnHour });
    const who = async (token: string) => (await authenticate(db.orm.em.fork(), token, undefined)).principal?.kind ?? null;
    expect(await who(viaRoot.token)).toBe('session');

    const fresh = await resetRootToken(db.orm.em.fork());

    expect(await who(viaRoot.token)).toBeNull();
    expect(await who(viaKey.token)).toBe('session');
    expect(await who(key.token)).toBe('key');
    expect(await who(fresh)).toBe('root');
  });
});
