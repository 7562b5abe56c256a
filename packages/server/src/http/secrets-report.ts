import type { FastifyBaseLogger } from 'fastify';
import type { ResealCounts } from '../secrets/at-rest.js';
import type { Secrets } from '../secrets/secrets.js';

/** Says at start what encrypting the secrets at rest did: what it encrypted, and what it could not. */
export function reportSecretsAtRest(log: FastifyBaseLogger, atRest: ResealCounts, secrets: Secrets): void {
  if (atRest.encrypted) log.info({ encrypted: atRest.encrypted }, 'encrypted the secrets an older version stored in plain text');
  if (atRest.scrubFailed) {
    log.warn(
      { reason: atRest.scrubFailed },
      'could not compact the tables after encrypting: old plain-text bytes may stay in the database files until the next VACUUM',
    );
  }
  if (atRest.unreadable) {
    log.error(
      { unreadable: atRest.unreadable, secretsKey: secrets.current.id },
      "stored secrets were encrypted with a secrets key this server does not have: their apps' notifications are answered error 2 until VKP_SECRETS_KEY (or VKP_SECRETS_KEY_PREVIOUS) is that key",
    );
  }
}
