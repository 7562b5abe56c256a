import type { Role } from '@vk-payments/shared';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { getApp } from '../apps/apps.service.js';
import type { Context } from '../graphql/context.js';
import { MeKindEnum, RoleEnum } from '../graphql/enums.js';
import { notFound, recordId } from '../graphql/errors.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import {
  createApiKey,
  createWidgetSession,
  findApiKey,
  findWidgetSession,
  listApiKeys,
  revokeApiKey,
  revokeWidgetSession,
} from './access.service.js';
import { ApiKey } from './api-key.entity.js';
import { authorize, authorizeRecord } from '../graphql/authorize.js';

@ObjectType({ description: 'A new API key. The token is shown only here, once.' })
export class CreatedApiKey {
  @Field(() => String)
  token!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@ObjectType({ description: 'A short-lived token for the widget. The token is shown only here, once.' })
export class WidgetSessionToken {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  token!: string;

  @Field(() => DateTimeScalar)
  expiresAt!: Date;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => Int)
  vkAppId!: number;
}

@ObjectType({ description: 'Who the bearer token belongs to.' })
export class Me {
  @Field(() => MeKindEnum, { description: 'What the token is: the root token, an API key or a widget session.' })
  kind!: keyof typeof MeKindEnum;

  @Field(() => RoleEnum, { nullable: true, description: 'Null for the root token.' })
  role!: Role | null;

  @Field(() => Int, { nullable: true, description: 'The app the token is for; null for root and platform-wide keys.' })
  vkAppId!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a widget session expires.' })
  expiresAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: "The API key's label; for a widget session, the label of the key that minted it; null for root.",
  })
  label!: string | null;
}

const idOf = (id: string, what: string): number => recordId(id, what);

@Resolver(() => ApiKey)
export class AccessResolver {
  @Authorized('AUTHENTICATED')
  @Query(() => Me)
  me(@Ctx() ctx: Context): Me {
    const p = authorize(ctx, 'AUTHENTICATED', null);
    if (p.kind === 'root') return { kind: 'root', role: null, vkAppId: null, expiresAt: null, label: null };
    if (p.kind === 'key') return { kind: 'key', role: p.role, vkAppId: p.vkAppId, expiresAt: null, label: p.label };
    return { kind: 'session', role: p.role, vkAppId: p.vkAppId, expiresAt: p.expiresAt, label: p.keyLabel };
  }

  @Authorized('MANAGE_ACCESS')
  @Query(() => [ApiKey], { description: "The app's API keys, newest first; without vkAppId (root), the platform-wide ones." })
  async apiKeys(@Arg('vkAppId', () => Int, { nullable: true }) vkAppId: number | null | undefined, @Ctx() ctx: Context): Promise<ApiKey[]> {
    // An argument left out arrives as undefined: both mean "the platform-wide keys".
    if (vkAppId == null) authorize(ctx, 'ROOT', null);
    return listApiKeys(ctx.em, vkAppId == null ? null : await getApp(ctx.em, vkAppId));
  }

  @Authorized('MANAGE_ACCESS')
  @Mutation(() => CreatedApiKey, {
    description: 'A key for the app with a role no higher than your own; without vkAppId (root only), a MODERATOR key.',
  })
  async createApiKey(
    @Arg('vkAppId', () => Int, { nullable: true }) vkAppId: number | null | undefined,
    @Arg('role', () => RoleEnum) role: Role,
    @Arg('label', () => String) label: string,
    @Ctx() ctx: Context,
  ): Promise<CreatedApiKey> {
    const platformWide = vkAppId == null;
    const principal = authorize(ctx, platformWide ? 'ROOT' : 'MANAGE_ACCESS', vkAppId ?? null);
    return createApiKey(ctx.em, principal, platformWide ? null : await getApp(ctx.em, vkAppId), role, label);
  }

  @Authorized('MANAGE_ACCESS')
  @Mutation(() => ApiKey, { description: 'Revokes the key and every widget session minted with it.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    const keyId = idOf(id, 'an API key');
    const key = await findApiKey(ctx.em, keyId);
    const principal = authorizeRecord(ctx, key.app ? 'MANAGE_ACCESS' : 'ROOT', key.app?.vkAppId ?? null, () =>
      notFound(`API key ${keyId}`),
    );
    return revokeApiKey(ctx.em, principal, key);
  }

  @Authorized('MINT_SESSION')
  @Mutation(() => WidgetSessionToken, {
    description:
      "A short-lived token for <vk-payments-admin>: one app, a role no higher than the key's (default 15 minutes, at most 24 hours).",
  })
  async createWidgetSession(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('role', () => RoleEnum) role: Role,
    @Arg('ttlSeconds', () => Int, { nullable: true }) ttlSeconds: number | null,
    @Ctx() ctx: Context,
  ): Promise<WidgetSessionToken> {
    const principal = authorize(ctx, 'MINT_SESSION', vkAppId);
    const minted = await createWidgetSession(ctx.em, principal, await getApp(ctx.em, vkAppId), role, ttlSeconds);
    return { ...minted, id: String(minted.id) };
  }

  @Authorized('MINT_SESSION')
  @Mutation(() => Boolean, { description: "Ends a widget session before it expires: the key that minted it, or the app's creator/admin." })
  async revokeWidgetSession(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const sessionId = idOf(id, 'a widget session');
    const session = await findWidgetSession(ctx.em, sessionId);
    const mintedByCaller = ctx.principal?.kind === 'key' && ctx.principal.keyId === session.apiKey?.id;
    const principal = authorizeRecord(ctx, mintedByCaller ? 'MINT_SESSION' : 'MANAGE_ACCESS', session.app.vkAppId, () =>
      notFound(`widget session ${sessionId}`),
    );
    return revokeWidgetSession(ctx.em, principal, session);
  }

  @FieldResolver(() => ID)
  id(@Root() key: ApiKey): string {
    return String(key.id);
  }
}
