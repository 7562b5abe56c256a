import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars.js';
import { BigIntType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DEFAULT_API_VERSION } from '@vk-payments/shared';

/** A VK Mini App that sells for votes (ARCHITECTURE.md §3). */
@ObjectType('App', { description: 'A VK Mini App selling for votes. Its secret key is never readable; see settings.secretKeyHint.' })
@Entity({ tableName: 'apps' })
export class App {
  [OptionalProps]?:
    | 'notificationUrl'
    | 'apiVersion'
    | 'published'
    | 'votesPaymentsEnabled'
    | 'createdAt'
    | 'vkRegisteredAt'
    | 'sealedPreviousSecretKey'
    | 'previousSecretKeyHint'
    | 'secretKeyHint'
    | 'previousSecretExpiresAt'
    | 'miniAppOrigins';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** VK's id of the app: the `app_id` of every notification. */
  @Field(() => Int)
  @Property({ type: new BigIntType('number'), unique: true })
  vkAppId!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 255 })
  name!: string;

  /**
   * VK's protected key ("Защищённый ключ"), encrypted (secrets/: AES-256-GCM bound to this app and
   * column). Never leaves the server: hidden from serialisation, decrypted only where a signature is
   * made or checked (secrets/app-keys.ts).
   */
  @Property({ type: 'text', fieldName: 'secret_key', hidden: true })
  sealedSecretKey!: string;

  /** What may be shown of the key (`••••a1b2`), written with it so that showing it decrypts nothing. */
  @Property({ type: 'string', length: 32, nullable: true })
  secretKeyHint: string | null = null;

  /**
   * The previous protected key (encrypted like the current one) during a rotation's overlap:
   * notifications signed with either verify until `previousSecretExpiresAt`, so VK's panel and this
   * server need not change in the same second.
   */
  @Property({ type: 'text', fieldName: 'previous_secret_key', nullable: true, hidden: true })
  sealedPreviousSecretKey: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  previousSecretKeyHint: string | null = null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when the previous secret key still verifies, after a rotation.' })
  @Property({ type: 'datetime', nullable: true })
  previousSecretExpiresAt: Date | null = null;

  /** When the app was registered on VK: apps registered from January 2024 use API 5.132 only (docs/protocol.md §8). */
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the app was registered on VK, if told; from 2024 the API version is fixed to 5.132.',
  })
  @Property({ type: 'datetime', nullable: true })
  vkRegisteredAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2048, nullable: true })
  notificationUrl: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 16 })
  apiVersion: string = DEFAULT_API_VERSION;

  /**
   * Where the app's front-end runs: the origins browsers may call the mini app API from (mini-app/,
   * apps/mini-app-origins.ts). Normalized; empty = none.
   */
  @Property({ type: 'json', nullable: true })
  miniAppOrigins: string[] | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  published: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  votesPaymentsEnabled: boolean = false;

  @Field(() => DateTimeScalar)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
