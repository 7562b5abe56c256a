import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars.js';

/**
 * Where the game backend learns what to grant (ARCHITECTURE.md §3): one per app, signed per Standard Webhooks
 * with a secret shown once. Deliveries are queued only while it is enabled.
 */
@ObjectType('FulfilmentEndpoint', { description: "The game backend's webhook. The signing secret is never readable; see secretHint." })
@Entity({ tableName: 'fulfilment_endpoints' })
export class FulfilmentEndpoint {
  [OptionalProps]?:
    | 'enabled'
    | 'syncMode'
    | 'createdAt'
    | 'updatedAt'
    | 'signingSecretHint'
    | 'sealedPreviousSigningSecret'
    | 'previousSigningSecretHint'
    | 'previousSecretExpiresAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the unique (app_id) is one already.
  @ManyToOne(() => App, { deleteRule: 'cascade', unique: true, index: false })
  app!: Rel<App>;

  @Field(() => String)
  @Property({ type: 'string', length: 2048 })
  url!: string;

  /**
   * `whsec_` + base64 of the key bytes (Standard Webhooks), encrypted (secrets/: bound to this app and
   * column); decrypted only by the worker that signs (fulfilment/endpoint-secret.ts).
   */
  @Property({ type: 'text', fieldName: 'signing_secret', hidden: true })
  sealedSigningSecret!: string;

  /** What may be shown of the secret (`whsec_••••a1b2`), written with it. */
  @Property({ type: 'string', length: 32, nullable: true })
  signingSecretHint: string | null = null;

  /**
   * The secret before the last rotation, encrypted like the current one (its own column, so its
   * ciphertext does not decrypt as the current one). Deliveries carry its signature beside the current
   * one's until `previousSecretExpiresAt` (decided when signing: endpoint-secret.ts), so the game
   * backend can switch secrets without refusing any event; null after a rotation with no overlap.
   */
  @Property({ type: 'text', fieldName: 'previous_signing_secret', nullable: true, hidden: true })
  sealedPreviousSigningSecret: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  previousSigningSecretHint: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  previousSecretExpiresAt: Date | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;

  /**
   * VK's order_status_change waits for the game backend's 2xx (at most SYNC_TIMEOUT_MS) and is answered
   * error 2 (not critical: VK retries) when it does not come, so "paid" is only answered once granted.
   */
  @Field(() => Boolean, {
    description: 'order_status_change is answered only after the game backend confirmed (else error 2, VK retries).',
  })
  @Property({ type: 'boolean', default: false })
  syncMode: boolean = false;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One event for the game backend, queued in the same transaction as the payment that caused it (the
 * outbox), then sent by the worker until the backend answers 2xx or the retries run out.
 */
@ObjectType('FulfilmentDelivery', { description: 'One event sent (or to be sent) to the game backend, with every attempt.' })
@Entity({ tableName: 'fulfilment_deliveries' })
@Unique({ name: 'fulfilment_deliveries_event_unique', properties: ['eventId'] })
@Index({ name: 'fulfilment_deliveries_due_idx', properties: ['status', 'nextAttemptAt'] })
@Index({ name: 'fulfilment_deliveries_app_idx', properties: ['app', 'status'] })
// An app's list newest first (graphql/connection.ts pages by id) is a range of this index, however many
// rows other apps hold. SQLite's former single-column FK index gave that order only implicitly (rowid).
@Index({ name: 'fulfilment_deliveries_app_newest_idx', properties: ['app', 'id'] })
// One user's deliveries in an app (the customer view, customers/).
@Index({ name: 'fulfilment_deliveries_app_user_idx', properties: ['app', 'vkUserId', 'id'] })
// The oldest event not yet delivered, of however many (the metrics, fulfilment/backlog.ts): the first row of a range.
@Index({ name: 'fulfilment_deliveries_pending_age_idx', properties: ['status', 'createdAt'] })
export class FulfilmentDelivery {
  [OptionalProps]?: 'transactionId' | 'vkUserId' | 'status' | 'attempts' | 'nextAttemptAt' | 'lockedUntil' | 'deliveredAt' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: fulfilment_deliveries_app_idx (app_id, status) leads with app_id and serves its lookups and cascades.
  @ManyToOne(() => App, { deleteRule: 'cascade', index: false })
  app!: Rel<App>;

  /** The `webhook-id`: the same on every attempt, so the receiver can drop repeats. */
  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  eventId!: string;

  @Field(() => String, { description: 'order.paid, order.refunded or subscription.changed.' })
  @Property({ type: 'string', length: 32 })
  eventType!: string;

  @Field(() => JSONScalar, { description: 'The JSON body sent.' })
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  /** The payment it is about (its appOrderId). */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  transactionId: number | null = null;

  /**
   * The VK user the event is about (the payload's `data.vkUserId`), in a column so one user's deliveries
   * are found by index. Null only for rows older than the column that carried no readable user.
   */
  @Field(() => Int, { nullable: true, description: "The VK user who paid (the payload's data.vkUserId)." })
  @Property({ type: new BigIntType('number'), nullable: true })
  vkUserId: number | null = null;

  @Field(() => String, { description: 'pending, delivered or failed (retries exhausted; resend to try again).' })
  @Property({ type: 'string', length: 16, default: 'pending' })
  status: DeliveryStatus = 'pending';

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt: Date | null = null;

  /** While a worker holds it: other instances leave it alone until then. */
  @Property({ type: 'datetime', nullable: true })
  lockedUntil: Date | null = null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  deliveredAt: Date | null = null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

@ObjectType('FulfilmentAttempt')
@Entity({ tableName: 'fulfilment_attempts' })
@Index({ name: 'fulfilment_attempts_delivery_idx', properties: ['delivery', 'id'] })
export class FulfilmentAttempt {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: fulfilment_attempts_delivery_idx (delivery_id, id) leads with delivery_id and serves its lookups and cascades.
  @ManyToOne(() => FulfilmentDelivery, { deleteRule: 'cascade', index: false })
  delivery!: Rel<FulfilmentDelivery>;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Null when there was no answer.' })
  @Property({ type: 'integer', nullable: true })
  httpStatus: number | null = null;

  @Field(() => String, { nullable: true, description: 'The start of the answer body (null for roles that may not set the endpoint).' })
  @Property({ type: 'text', nullable: true })
  responseBody: string | null = null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why there was no answer: refused (a private address) or could not connect (null for roles that may not set the endpoint).',
  })
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Field(() => Float)
  @Property({ type: 'double' })
  durationMs!: number;
}
