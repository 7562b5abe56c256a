/**
 * One error class for the endpoint, one function from anything thrown to a wire answer
 * (docs/protocol.md §4). Anything unexpected becomes TEMPORARY (error 2, critical false) so VK retries.
 */
import { VK_ERRORS, type VkErrorBody, type VkErrorName } from '@vk-payments/shared';

export class VkError extends Error {
  override name = 'VkError';
  readonly code: number;
  readonly critical: boolean;

  constructor(
    readonly kind: VkErrorName,
    message: string,
  ) {
    super(message);
    this.code = VK_ERRORS[kind].code;
    this.critical = VK_ERRORS[kind].critical;
  }
}

export function isVkError(err: unknown): err is VkError {
  return err instanceof VkError;
}

/** The wire answer for a thrown value; unknown faults are reported as temporary, never with internals. */
export function toVkErrorAnswer(err: unknown): { error: VkErrorBody } {
  const e = isVkError(err) ? err : new VkError('TEMPORARY', 'temporary error, please retry');
  return { error: { error_code: e.code, error_msg: e.message, critical: e.critical } };
}

/**
 * Compact JSON where bigints are written as plain numbers: VK's order and subscription ids are decimal
 * integers that may exceed 2^53 and are echoed back as numbers (docs/protocol.md §3).
 */
export function stringifyAnswer(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => stringifyAnswer(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${stringifyAnswer(v)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
