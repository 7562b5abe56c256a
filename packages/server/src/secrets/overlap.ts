/**
 * How long a replaced secret keeps working after a rotation, for both kinds of rotation: the VK
 * protected key (the old one keeps verifying notifications) and the game-backend webhook's signing
 * secret (deliveries keep carrying the old one's signature). One range and one default for both.
 */
import { z } from 'zod';

/** A week: long enough to update VK's panel and every server, short enough that a leaked key dies soon. */
export const MAX_OVERLAP_HOURS = 168;
export const DEFAULT_OVERLAP_HOURS = 24;

/** `overlapHours` as a rotation takes it: 0 (the old secret stops at once) to a week; absent or null = the default. */
export const overlapHoursSchema = z
  .number()
  .int('must be a whole number of hours')
  .min(0, 'must not be negative')
  .max(MAX_OVERLAP_HOURS, `must be at most ${MAX_OVERLAP_HOURS} (a week)`)
  .nullish();

/** When the old secret stops, for an overlap of `hours` from `now`; null for 0 (at once). */
export const overlapEnd = (now: Date, hours: number): Date | null => (hours > 0 ? new Date(now.getTime() + hours * 3_600_000) : null);
