import { Field, Float, Int, ObjectType } from 'type-graphql';
import { NotificationTypeEnum, SignedWithEnum } from '../graphql/enums.js';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars.js';
import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { NotificationKind } from '@vk-payments/shared';
import { App } from '../apps/app.entity.js';

/**
 * One request VK (or anyone) posted to the endpoint, with our answer — written for every request,
 * including unknown apps, bad signatures and unparsable bodies (ARCHITECTURE.md §2). Never holds the secret.
 */
@ObjectType('NotificationLog', { description: 'One request to the notification endpoint and our answer.' })
@Entity({ tableName: 'notification_logs' })
// An app's list newest first (graphql/connection.ts pages by id) is a range of this index, however many
// rows other apps hold. SQLite's former single-column FK index gave that order only implicitly (rowid).
@Index({ name: 'notification_logs_app_newest_idx', properties: ['app', 'id'] })
// The error code and duration ride along: an app's last hour of bad signatures, error 2 and slow answers
// (alerts/) is one range of this index, read without the rows.
@Index({ name: 'notification_logs_app_received_outcome_idx', properties: ['app', 'receivedAt', 'errorCode', 'durationMs'] })
// Type + error: the filter an operator reaches for ("failed purchases"); its count is an index-only range.
@Index({ name: 'notification_logs_app_type_error_idx', properties: ['app', 'notificationType', 'errorCode'] })
@Index({ name: 'notification_logs_app_error_idx', properties: ['app', 'errorCode'] })
@Index({ name: 'notification_logs_app_user_idx', properties: ['app', 'vkUserId'] })
@Index({ name: 'notification_logs_app_order_idx', properties: ['app', 'orderId'] })
// The short retention of unverified rows (logs/retention.ts) finds them without walking the verified ones.
@Index({ name: 'notification_logs_unverified_received_idx', properties: ['signatureValid', 'receivedAt'] })
export class NotificationLog {
  [OptionalProps]?:
    | 'app'
    | 'vkAppId'
    | 'rawType'
    | 'notificationType'
    | 'test'
    | 'vkUserId'
    | 'orderId'
    | 'subscriptionId'
    | 'errorCode'
    | 'signatureValid'
    | 'signedWith'
    | 'warning';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  // No index of its own: the (app_id, …) indexes above lead with app_id and serve its lookups and cascades.
  /** Null when `app_id` named no app of ours. */
  @ManyToOne(() => App, { nullable: true, deleteRule: 'cascade', index: false })
  app: Rel<App> | null = null;

  /** `app_id` as sent, when it was a number. */
  @Property({ type: new BigIntType('number'), nullable: true })
  vkAppId: number | null = null;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  receivedAt!: Date;

  /** `notification_type` as sent, even when it is not one VK defines. */
  @Field(() => String, { nullable: true, description: 'notification_type exactly as sent.' })
  @Property({ type: 'string', length: 64, nullable: true })
  rawType: string | null = null;

  @Field(() => NotificationTypeEnum, { nullable: true })
  @Property({ type: 'string', length: 32, nullable: true })
  notificationType: NotificationKind | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  test: boolean = false;

  @Field(() => Int, { nullable: true })
  @Property({ type: new BigIntType('number'), nullable: true })
  vkUserId: number | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 32, nullable: true })
  orderId: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  subscriptionId: string | null = null;

  /** The decoded request fields, `sig` included; or `{ _raw }` when the body could not be read as a form. */
  @Field(() => JSONScalar, { description: 'The decoded request fields, sig included.' })
  @Property({ type: 'json' })
  request!: Record<string, unknown>;

  /** Our answer exactly as sent (JSON text: VK's ids may exceed 2^53). */
  @Property({ type: 'text' })
  response!: string;

  /** VK error code of our answer; null when it was a success. */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  errorCode: number | null = null;

  /** Null when the signature was never checked (unreadable body, unknown app). */
  @Field(() => Boolean, { nullable: true })
  @Property({ type: 'boolean', nullable: true })
  signatureValid: boolean | null = null;

  @Field(() => Float)
  @Property({ type: 'double' })
  durationMs!: number;

  /** Which key verified the signature during a rotation's overlap: 'current' or 'previous'. */
  @Field(() => SignedWithEnum, {
    nullable: true,
    description: "Which secret key verified the signature: current, or previous during a rotation's overlap.",
  })
  @Property({ type: 'string', length: 16, nullable: true })
  signedWith: 'current' | 'previous' | null = null;

  /** Something the operator should look at although the answer stood (e.g. a _test from a non-tester). */
  @Field(() => String, {
    nullable: true,
    description:
      'Something to look at although the request was answered, e.g. a _test notification from a user who is not a payment tester.',
  })
  @Property({ type: 'string', length: 255, nullable: true })
  warning: string | null = null;
}
