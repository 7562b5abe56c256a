/** Who the token belongs to: the `me` query the client asks once, and its answer's type. */
import type { MeQuery } from '../generated/operations.js';

export const ME = '{me{kind role vkAppId expiresAt}}';

export type Me = MeQuery['me'];
