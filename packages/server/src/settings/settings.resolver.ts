import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Float,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql';
import { App } from '../apps/app.entity.js';
import { MAX_MINI_APP_ORIGINS } from '../apps/mini-app-origins.js';
import { getApp } from '../apps/apps.service.js';
import { authorize } from '../graphql/authorize.js';
import { actorAsSeenBy } from '../access/permissions.js';
import type { Context } from '../graphql/context.js';
import { JSONScalar } from '../graphql/scalars.js';
import type { UrlCheck, UrlCheckVerdict } from './check-url.js';
import { PaymentTester } from './payment-tester.entity.js';
import { DEFAULT_OVERLAP_HOURS } from '../secrets/overlap.js';
import { checkNotificationUrl, rotateAppSecret, updatePaymentSettings } from './settings.service.js';
import { addTester, listTesters, removeTester } from './testers.service.js';

const VERDICTS = { SUCCESS: 'SUCCESS', VK_ERROR: 'VK_ERROR', INVALID: 'INVALID', UNREACHABLE: 'UNREACHABLE' } as const satisfies Record<
  UrlCheckVerdict,
  UrlCheckVerdict
>;

registerEnumType(VERDICTS, {
  name: 'NotificationUrlVerdict',
  description: 'What checkNotificationUrl found.',
  valuesConfig: {
    SUCCESS: { description: 'A valid success answer.' },
    VK_ERROR: { description: 'A well-formed VK error answer (see errorCode).' },
    INVALID: { description: 'An answer VK would not accept (see problems).' },
    UNREACHABLE: { description: 'No answer: refused (a private address), connection failed or no answer within 10 s.' },
  },
});

@InputType({ description: 'Only the fields given change.' })
export class PaymentSettingsInput {
  @Field(() => String, { nullable: true, description: 'Absolute http(s) URL VK posts notifications to; null clears it.' })
  notificationUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'One of AppSettings.supportedApiVersions: only apps registered on VK before 2024 may choose.',
  })
  apiVersion?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: `Origins the mini app's front-end runs on, allowed to call the mini app API (/mini-app/v1/*) from a browser: https://host[:port], http only for localhost and 127.0.0.1, https://*.example.com for any subdomain; at most ${MAX_MINI_APP_ORIGINS}. Replaces the list; an empty list allows none.`,
  })
  miniAppOrigins?: string[] | null;
}

@ObjectType({ description: 'What came back when a signed get_item_test was sent to the notification URL. Never contains the secret.' })
export class NotificationUrlCheck implements UrlCheck {
  @Field(() => String)
  url!: string;

  @Field(() => Boolean, { description: 'True when VK would be satisfied with the handler.' })
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'Null when there was no answer.' })
  httpStatus!: number | null;

  @Field(() => Float)
  durationMs!: number;

  @Field(() => VERDICTS)
  verdict!: UrlCheckVerdict;

  @Field(() => [String], { description: 'Why VK would not accept the answer; empty when it would.' })
  problems!: string[];

  @Field(() => Int, { nullable: true, description: 'The VK error code of an error answer.' })
  errorCode!: number | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => String, { nullable: true, description: 'The answer body, cut at 2,048 characters.' })
  responseBody!: string | null;

  @Field(() => JSONScalar, { description: 'The fields that were posted, sig included.' })
  request!: Record<string, string>;

  @Field(() => String, { description: 'The result in one sentence.' })
  summary!: string;
}

/** GraphQL for payment settings, secret rotation, testers, checkNotificationUrl. */
@Resolver()
export class SettingsResolver {
  @Authorized('PAYMENTS')
  @Mutation(() => App, { description: "Changes the notification URL, the API version and/or the mini app's origins." })
  updatePaymentSettings(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('input', () => PaymentSettingsInput) input: PaymentSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<App> {
    return updatePaymentSettings(ctx.em, authorize(ctx, 'PAYMENTS', vkAppId), vkAppId, input, ctx.outbound);
  }

  @Authorized('MANAGE_ACCESS')
  @Mutation(() => App, {
    description:
      "Replaces the protected key with the new one from VK's panel; the old one keeps verifying for overlapHours (0–168, default 24; 0 = at once).",
  })
  rotateAppSecret(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('secretKey', () => String) secretKey: string,
    @Arg('overlapHours', () => Int, { nullable: true, defaultValue: DEFAULT_OVERLAP_HOURS }) overlapHours: number | null,
    @Ctx() ctx: Context,
  ): Promise<App> {
    return rotateAppSecret(ctx.em, ctx.secrets, authorize(ctx, 'MANAGE_ACCESS', vkAppId), vkAppId, { secretKey, overlapHours });
  }

  @Authorized('PAYMENTS')
  @Mutation(() => NotificationUrlCheck, {
    description:
      'Sends a signed get_item_test to the notification URL, as VK would, and reports what came back. Reaches public addresses only, unless VKP_ALLOW_PRIVATE_URLS allows the host.',
  })
  checkNotificationUrl(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Ctx() { em, outbound, secrets }: Context,
  ): Promise<NotificationUrlCheck> {
    return checkNotificationUrl(em, outbound, secrets, vkAppId);
  }

  @Authorized('PAYMENTS')
  @Query(() => [PaymentTester], { description: 'Users whose payments run in test mode, newest first.' })
  async paymentTesters(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<PaymentTester[]> {
    return listTesters(em, (await getApp(em, vkAppId)).id);
  }

  @Authorized('PAYMENTS')
  @Mutation(() => PaymentTester, { description: 'Adds a payment tester; adding one already on the list returns them unchanged.' })
  async addPaymentTester(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('vkUserId', () => Int) vkUserId: number,
    @Ctx() ctx: Context,
  ): Promise<PaymentTester> {
    return addTester(ctx.em, authorize(ctx, 'PAYMENTS', vkAppId), (await getApp(ctx.em, vkAppId)).id, vkUserId);
  }

  @Authorized('PAYMENTS')
  @Mutation(() => Boolean, { description: 'False when the user was not a tester.' })
  async removePaymentTester(
    @Arg('vkAppId', () => Int) vkAppId: number,
    @Arg('vkUserId', () => Int) vkUserId: number,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return removeTester(ctx.em, authorize(ctx, 'PAYMENTS', vkAppId), (await getApp(ctx.em, vkAppId)).id, vkUserId);
  }
}

/** Who added a tester, as the reader may see it: API key labels only for CREATOR and ADMIN (ARCHITECTURE.md §5). */
@Resolver(() => PaymentTester)
export class PaymentTesterResolver {
  @FieldResolver(() => String)
  addedBy(@Root() tester: PaymentTester, @Ctx() ctx: Context): string {
    return actorAsSeenBy(ctx.principal, tester.addedBy);
  }
}
