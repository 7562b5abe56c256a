import { Arg, Authorized, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { authorize } from '../auth/authorize.js';
import type { Context } from '../graphql/context.js';
import { NOTIFICATION_PATH } from '../notifications/route.js';
import { App, secretKeyHint } from './app.entity.js';
import { createApp, getApp, listApps } from './apps.service.js';

@InputType()
export class CreateAppInput {
  @Field(() => Int, { description: "VK's id of the app (app_id in notifications)." })
  vkAppId!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The protected key from VK\'s panel. Write-only.' })
  secretKey!: string;
}

@ObjectType({ description: 'The "Payments → Connection" settings of an app.' })
export class AppSettings {
  @Field(() => String, { nullable: true })
  notificationUrl!: string | null;

  @Field(() => String)
  apiVersion!: string;

  @Field(() => String, { description: 'The last characters of the secret key, e.g. ••••a1b2. The key itself is never readable.' })
  secretKeyHint!: string;

  @Field(() => String, { description: 'The URL to paste into VK\'s panel as the payment notification URL.' })
  endpointUrl!: string;
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
  createApp(@Arg('input', () => CreateAppInput) input: CreateAppInput, @Ctx() { em }: Context): Promise<App> {
    return createApp(em, input);
  }

  @FieldResolver(() => AppSettings)
  settings(@Root() app: App, @Ctx() { baseUrl }: Context): AppSettings {
    return {
      notificationUrl: app.notificationUrl,
      apiVersion: app.apiVersion,
      secretKeyHint: secretKeyHint(app.secretKey),
      endpointUrl: `${baseUrl}${NOTIFICATION_PATH}`,
    };
  }
}
