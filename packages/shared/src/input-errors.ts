/**
 * What a BAD_USER_INPUT error says, for a client to word in its own language: `extensions.field` (the
 * input field at fault, as the API names it: `notificationUrl`, `platforms.0`) and `extensions.params`,
 * an `InputErrorParams` (the reason and its numbers). The English `message` is for people reading logs.
 */
export const INPUT_REASONS = [
  /** Empty, or absent where it is required. */
  'required',
  /** Text shorter than `min` characters. */
  'tooShort',
  /** Text longer than `max` characters. */
  'tooLong',
  /** A number below `min`. */
  'tooSmall',
  /** A number above `max`. */
  'tooLarge',
  /** A number outside `min`–`max`. */
  'outOfRange',
  /** A list with fewer than `min` entries. */
  'tooFew',
  /** A list (or an app's testers) over `max` entries. */
  'tooMany',
  /** Not a whole number. */
  'notInteger',
  /** Not one of `values`. */
  'notOneOf',
  /** Not an absolute http(s) URL. */
  'invalidUrl',
  /** A URL with a user name or password in it. */
  'urlCredentials',
  /** A URL naming a private or local address the server is not allowed to call. */
  'privateAddress',
  /** Spaces or line breaks where none may be. */
  'spaces',
  /** Not in the expected format (`format` names it: `itemId`, `dateTime`, `timeZone`, `cursor`, `id`). */
  'invalidFormat',
  /** A date in the future. */
  'inFuture',
  /** `to` not after `from`. */
  'notAfterFrom',
  /** Sums or counts beyond `max` (the largest GraphQL Int, or periods in a range): ask for less. */
  'resultTooLarge',
  /** Must be less than the field `than` (a discount below the price). */
  'notLessThan',
  /** The same as what is stored already (a secret key pasted again). */
  'unchanged',
  /** Something to do first: `step` names it (`setNotificationUrl`, `overlapZero`). */
  'needsStep',
  /** Not allowed in this combination; `rule` names which (`apiVersionLocked`, `moderatorKeyApp`, …). */
  'notAllowed',
  /** A stored request that was cut when it came, or never readable: nothing whole to work on. */
  'incomplete',
  /** Anything else: the message says what. */
  'invalid',
] as const;
export type InputReason = (typeof INPUT_REASONS)[number];

/** `extensions.params` of a BAD_USER_INPUT. */
export interface InputErrorParams {
  reason: InputReason;
  min?: number;
  max?: number;
  values?: readonly string[];
  format?: string;
  than?: string;
  step?: string;
  rule?: string;
}
