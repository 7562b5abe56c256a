import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { appAlerts } from './alerts.service.js';
import { Alert } from './alerts.types.js';

/** GraphQL for the app's alerts (the widget's banner above the tabs). */
@Resolver()
export class AlertsResolver {
  @Authorized('PAYMENTS')
  @Query(() => [Alert], {
    description:
      'What needs attention in this app now, worst first (empty when nothing does): the conditions of the Prometheus rules (README "Alerts"), counted from the database. Test traffic counts.',
  })
  alerts(@Arg('vkAppId', () => Int) vkAppId: number, @Ctx() { em }: Context): Promise<Alert[]> {
    return appAlerts(em, vkAppId);
  }
}
