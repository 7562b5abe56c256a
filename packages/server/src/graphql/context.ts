import type { EntityManager } from '@mikro-orm/core';
import type { PubSub } from 'type-graphql';
import type { Principal } from '../access/permissions.js';
import type { Config } from '../config.js';
import type { Outbound } from '../net/outbound.js';
import type { Processed } from '../notifications/route.js';
import type { NotificationStore } from '../notifications/store.js';
import type { Secrets } from '../secrets/secrets.js';

/** Per-request GraphQL context: a forked EntityManager and who is calling. */
export interface Context {
  em: EntityManager;
  principal: Principal | null;
  /** Why a token that was sent was not accepted. */
  authError?: string;
  config: Config;
  /** Encrypts the secrets this request writes; decrypts only where a signature is made or checked. */
  secrets: Secrets;
  /** Where this server is reached: VKP_PUBLIC_URL, or the address it listens on. */
  baseUrl: string;
  /** This server's live events (the notification log tail). */
  pubSub: PubSub;
  /** Runs a body through this server's notification endpoint in-process: answered, logged, published. */
  processNotification: (rawBody: string) => Promise<Processed>;
  /** The endpoint's store, for dry runs of today's handler (replayNotification). */
  notificationStore: NotificationStore;
  /** This instance's sender of game-backend events: poked when one is resent. */
  fulfilment: { poke(): void };
  /**
   * This instance's cooldown of "resend all failed", one key per app (http/rate-limit.ts, one call a
   * window): with the game backend down, each call would otherwise add up to 500 attempts and POSTs.
   */
  resendCooldown: {
    peek(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
    take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
  };
  /** How the server connects to URLs it was given (public addresses only, unless allowlisted). */
  outbound: Outbound;
}
