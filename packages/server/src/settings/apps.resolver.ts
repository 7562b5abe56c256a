import { Arg, Authorized, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { authorize } from '../graphql/authorize.js';
import type { Context } from '../graphql/context.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { NOTIFICATION_PATH } from '../notifications/route.js';
import { apiVersionLockReason, selectableApiVersions } from '../apps/api-version.js';
import { keyHints } from '../apps/key-hints.js';
import { App } from '../apps/app.entity.js';
import { getApp, listApps } from '../apps/apps.service.js';
import { createApp, updateApp } from './app-admin.service.js';

@InputType()
export class CreateAppInput {
  @Field(() => Int, { description: "VK's id of the app (app_id in notifications)." })
  vkAppId!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The protected key from VK's panel. Write-only." })
  secretKey!: string;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When VK registered the app. Unknown counts as from 2024: the API version is then fixed to 5.132.',
  })
  vkRegisteredAt?: Date | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateAppInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When VK registered the app; null = unknown. From January 2024 on, the API version is fixed to 5.132.',
  })
  vkRegisteredAt?: Date | null;
}

@ObjectType({ description: 'The "Payments → Connection" settings of an app.' })
export class AppSettings {
  @Field(() => String, { nullable: true })
  notificationUrl!: string | null;

  @Field(() => String)
  apiVersion!: string;

  @Field(() => String, { description: 'The last characters of the secret key, e.g. ••••a1b2. The key itself is never readable.' })
  secretKeyHint!: string;

  @Field(() => String, { description: "The URL to paste into VK's panel as the payment notification URL." })
  endpointUrl!: string;

  @Field(() => Boolean, { description: 'True when the app may not choose its API version (registered on VK from 2024, or date unknown).' })
  apiVersionLocked!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the API version is fixed, when it is.' })
  apiVersionLockReason!: string | null;

  @Field(() => [String], { description: 'The API versions this app may choose.' })
  supportedApiVersions!: string[];

  @Field(() => String, { nullable: true, description: 'The hint of the previous key while it still verifies after a rotation.' })
  previousSecretKeyHint!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Until when the previous key verifies; null when no rotation overlap is running.',
  })
  previousSecretExpiresAt!: Date | null;

  @Field(() => [String], { description: "Origins the mini app's front-end may call the mini app API from (normalized); empty: none." })
  miniAppOrigins!: string[];
}

@Resolver(() => App)
export class AppsResolver {
  @Authorized('APP_READ')
  @Query(() => [App], { description: 'The apps this token may see.' })
  apps(@Ctx() ctx: Context): Promise<App[]> {
    return listApps(ctx.em, authorize(ctx, 'APP_READ', null));
  }

  @Authorized('APP_READ')
  @Query(() => App)
  app(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<App> {
    return getApp(em, vkAppId);
  }

  @Authorized('ROOT')
  @Mutation(() => App, { description: 'Registers an app (root only).' })
  createApp(@Arg('input', () => CreateAppInput) input: CreateAppInput, @Ctx() { em, secrets, principal }: Context): Promise<App> {
    return createApp(em, secrets, principal, input);
  }

  @Authorized('MANAGE_ACCESS')
  @Mutation(() => App, { description: 'Renames the app or records when VK registered it (creator/admin).' })
  updateApp(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => UpdateAppInput) input: UpdateAppInput,
    @Ctx() ctx: Context,
  ): Promise<App> {
    return updateApp(ctx.em, authorize(ctx, 'MANAGE_ACCESS', vkAppId), vkAppId, input);
  }

  @FieldResolver(() => AppSettings)
  settings(@Root() app: App, @Ctx() { baseUrl }: Context): AppSettings {
    return {
      notificationUrl: app.notificationUrl,
      apiVersion: app.apiVersion,
      endpointUrl: `${baseUrl}${NOTIFICATION_PATH}`,
      apiVersionLocked: apiVersionLockReason(app.vkRegisteredAt) !== null,
      apiVersionLockReason: apiVersionLockReason(app.vkRegisteredAt),
      supportedApiVersions: selectableApiVersions(app.vkRegisteredAt),
      miniAppOrigins: app.miniAppOrigins ?? [],
      ...keyHints(app),
    };
  }
}
