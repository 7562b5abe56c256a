import { describe, it } from 'vitest';
import { freshDatabase, until } from '../../test/helpers.js';
import { openSql } from '../db/sql.js';
import { parseAllowList } from '../net/addresses.js';
import { createOutbound } from '../net/outbound.js';
import { SecretsKey } from '../secrets/key.js';
import { Secrets } from '../secrets/secrets.js';
import { startFulfilmentWorker } from './worker.js';

describe('the fulfilment worker', () => {
  it('keeps a failing cycle to itself, even when reporting it fails too', async () => {
    const db = await freshDatabase('sqlite');
    const sql = openSql(db.database); // never migrated: every claim fails
    const reported: unknown[] = [];
    const worker = startFulfilmentWorker({
      sql,
      outbound: createOutbound({ allow: parseAllowList('') }),
      secrets: new Secrets(SecretsKey.generate()),
      retryDelaysMs: [1],
      pollMs: 20,
      onError: (err) => {
        reported.push(err);
        throw new Error('the reporter failed as well');
      },
    });
    // A second failed cycle: the worker went on after its reporter failed.
    await until('a second failed cycle', () => reported.length > 1);
    worker.poke();
    await worker.stop();
    await sql.close();
    // An unhandled rejection here would fail this file (vitest reports it as an error).
  });
});
