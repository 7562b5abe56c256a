/**
 * Limits on text the API takes, checked by the server and shown by the widget's forms so they can
 * answer before a round trip. Moderation: an application's texts and a moderator's comment.
 */
export const TEXT_LIMITS = {
  appDescription: { min: 10, max: 1000 },
  paidFeatures: { min: 10, max: 2000 },
  comment: { max: 2000 },
} as const;

/** The longest notification URL an app may save. */
export const NOTIFICATION_URL_MAX_LENGTH = 2048;
