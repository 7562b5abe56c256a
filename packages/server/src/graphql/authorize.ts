/**
 * The GraphQL side of access control: the one authChecker, and `authorize()` for resolvers whose
 * operation names a record rather than an app. Both decide through `decide()` (access/permissions.ts).
 */
import type { AuthChecker } from 'type-graphql';
import type { Context } from './context.js';
import { ApiError } from './errors.js';
import { decide, PERMISSIONS, type Permission, type Principal } from '../access/permissions.js';

function isPermission(name: string): name is Permission {
  return Object.hasOwn(PERMISSIONS, name);
}

/** Throws UNAUTHENTICATED / FORBIDDEN unless the caller may use `permission` on app `vkAppId`. */
export function authorize(ctx: Pick<Context, 'principal' | 'authError'>, permission: Permission, vkAppId: number | null): Principal {
  if (!ctx.principal) throw new ApiError('UNAUTHENTICATED', ctx.authError ?? 'send a bearer token in the Authorization header');
  const decision = decide(ctx.principal, permission, vkAppId);
  if (!decision.ok) throw new ApiError('FORBIDDEN', decision.reason);
  return ctx.principal;
}

/**
 * `@Authorized('PAYMENTS')` on an operation with a `vkAppId` argument checks that app; without one, it
 * checks only that the role may hold the permission somewhere, and the resolver calls `authorize()`
 * with the app of the record it loaded.
 */
export const authChecker: AuthChecker<Context> = ({ context, args }, names) => {
  const [name] = names;
  if (names.length !== 1 || !name || !isPermission(name))
    throw new Error(`@Authorized needs exactly one permission, got ${names.join(', ')}`);
  const vkAppId = typeof args.vkAppId === 'number' ? args.vkAppId : null;
  authorize(context, name, vkAppId);
  return true;
};

/**
 * For operations named by a record id, once the record is loaded: `permission` on the record's app
 * (`vkAppId`, null for a record of no app, which only root reaches). A refused caller of that very app
 * is told FORBIDDEN; any other refused caller (another app's token, a platform-wide key without the
 * permission) gets `missing()`, the very answer for an id that does not exist, so ids cannot be probed.
 * Call it only after `@Authorized` made sure there is a principal, i.e. before any lookup.
 */
export function authorizeRecord(
  ctx: Pick<Context, 'principal' | 'authError'>,
  permission: Permission,
  vkAppId: number | null,
  missing: () => Error,
): Principal {
  const principal = ctx.principal;
  if (!principal) throw new ApiError('UNAUTHENTICATED', ctx.authError ?? 'send a bearer token in the Authorization header');
  const decision = decide(principal, permission, vkAppId);
  if (decision.ok) return principal;
  const ownApp = principal.kind !== 'root' && vkAppId !== null && principal.vkAppId === vkAppId;
  throw ownApp ? new ApiError('FORBIDDEN', decision.reason) : missing();
}
