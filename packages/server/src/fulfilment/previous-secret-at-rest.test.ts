/**
 * The previous signing secret is a stored secret like the others (secrets/at-rest.ts): `secrets
 * rotate-key` moves it to the new secrets key with the current one, so deliveries during an overlap
 * still carry both signatures once the old secrets key is gone. And a current secret no key here
 * decrypts (a lost secrets key) cannot keep signing: a rotation says to use no overlap, or drops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type TestDatabase } from '../../test/helpers.js';
import { migrate, openOrm } from '../db/orm.js';
import { openSql, readDate, type Sql } from '../db/sql.js';
import { EMPTY_ALLOW_LIST } from '../net/addresses.js';
import { createOutbound } from '../net/outbound.js';
import { rotateSecretsKey } from '../secrets/at-rest.js';
import { SecretsKey } from '../secrets/key.js';
import { Secrets } from '../secrets/secrets.js';
import { previousSigningSecretColumns, signingSecretColumns, signingSecretsAt } from './endpoint-secret.js';
import { FulfilmentEndpoint } from './fulfilment.entity.js';
import { rotateSecret, setEndpoint } from './fulfilment.service.js';

const VK_APP = 7301;
const CURRENT = 'whsec_Y3VycmVudCBzaWduaW5nIHNlY3JldCAwMTIz';
const PREVIOUS = 'whsec_cHJldmlvdXMgc2lnbmluZyBzZWNyZXQgMDEy';

describe.each(DIALECTS)('the previous signing secret under a new secrets key on %s', (dialect) => {
  let db: TestDatabase;
  let sql: Sql;
  const oldKey = SecretsKey.generate();
  const newKey = SecretsKey.generate();
  const until = new Date(Date.now() + 3_600_000);

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    const orm = await openOrm(db.database);
    try {
      await migrate(orm);
    } finally {
      await orm.close();
    }
    sql = openSql(db.database);
    const old = new Secrets(oldKey);
    const app = await sql.one(
      'insert into apps (vk_app_id, name, secret_key, api_version, published, votes_payments_enabled, created_at) values (?, ?, ?, ?, ?, ?, ?) returning id',
      [VK_APP, 'App', old.seal('AppKey0123', { column: 'apps.secret_key', vkAppId: VK_APP }), '5.132', true, true, new Date()],
    );
    const current = signingSecretColumns(old, VK_APP, CURRENT);
    const previous = previousSigningSecretColumns(old, VK_APP, { secret: PREVIOUS, expiresAt: until });
    await sql.run(
      `insert into fulfilment_endpoints (app_id, url, signing_secret, signing_secret_hint, previous_signing_secret, previous_signing_secret_hint,
        previous_secret_expires_at, enabled, sync_mode, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        Number(app!.id),
        'https://game.example/hook',
        current.sealedSigningSecret,
        current.signingSecretHint,
        previous.sealedPreviousSigningSecret,
        previous.previousSigningSecretHint,
        until,
        true,
        false,
        new Date(),
        new Date(),
      ],
    );
  });
  afterAll(async () => {
    await sql?.close();
    await db?.drop();
  });

  it('rotate-key re-encrypts it, and the new key alone signs with both secrets until the expiry', async () => {
    // The app's key, the endpoint's current secret and its previous one.
    const counts = await rotateSecretsKey(sql, new Secrets(newKey, oldKey));
    expect(counts.reencrypted).toBe(3);
    const row = (await sql.one('select signing_secret, previous_signing_secret, previous_secret_expires_at from fulfilment_endpoints'))!;
    expect(String(row.previous_signing_secret)).toMatch(new RegExp(`^v1:${newKey.id}:`));
    const stored = {
      sealedSigningSecret: String(row.signing_secret),
      sealedPreviousSigningSecret: String(row.previous_signing_secret),
      previousSecretExpiresAt: readDate(row.previous_secret_expires_at),
    };
    expect(signingSecretsAt(new Secrets(newKey), VK_APP, stored, new Date())).toEqual([CURRENT, PREVIOUS]);
  });

  it('with the secrets key lost, rotating with an overlap is refused naming overlapHours; with 0, or through setFulfilmentEndpoint, it drops the old one', async () => {
    const lost = new Secrets(SecretsKey.generate());
    const orm = await openOrm(db.database);
    try {
      const refused = await rotateSecret(orm.em.fork(), { secrets: lost, principal: null }, VK_APP, { overlapHours: 24 }).catch(
        (e: unknown) => e,
      );
      expect(refused).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'overlapHours', params: { step: 'overlapZero' } } });

      const { signingSecret } = await rotateSecret(orm.em.fork(), { secrets: lost, principal: null }, VK_APP, { overlapHours: 0 });
      const read = async () => await orm.em.fork().findOneOrFail(FulfilmentEndpoint, { app: { vkAppId: VK_APP } });
      expect(signingSecretsAt(lost, VK_APP, await read(), new Date())).toEqual([signingSecret]);

      // Lost again: the webhook's own mutation has no overlap to choose, so it rotates with none.
      const again = new Secrets(SecretsKey.generate());
      const outbound = createOutbound({ allow: EMPTY_ALLOW_LIST });
      const set = await setEndpoint(orm.em.fork(), { secrets: again, outbound, principal: null }, VK_APP, {
        url: 'https://game.example/hook',
        rotateSecret: true,
      });
      expect(signingSecretsAt(again, VK_APP, await read(), new Date())).toEqual([set.signingSecret]);
    } finally {
      await orm.close();
    }
  });
});
