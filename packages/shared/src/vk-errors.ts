/**
 * VK's error table for payment notifications (docs/protocol.md §4), as one `as const` object.
 * `critical: true` cancels the order and VK does not resend; `critical: false` makes VK resend later,
 * so it is reserved for faults that really are temporary.
 */
export const VK_ERRORS = {
  COMMON: { code: 1, critical: true },
  TEMPORARY: { code: 2, critical: false },
  BAD_SIGNATURE: { code: 10, critical: true },
  BAD_REQUEST: { code: 11, critical: true },
  ITEM_NOT_FOUND: { code: 20, critical: true },
  ITEM_UNAVAILABLE: { code: 21, critical: true },
  USER_NOT_FOUND: { code: 22, critical: true },
  /** App-defined (100–999, docs/protocol.md §4): the price VK charged is not the catalog's price. */
  PRICE_MISMATCH: { code: 100, critical: true },
} as const;

export type VkErrorName = keyof typeof VK_ERRORS;
export type VkErrorCode = (typeof VK_ERRORS)[VkErrorName]['code'];

/** The wire shape of a failure answer (docs/protocol.md §1). */
export interface VkErrorBody {
  error_code: number;
  error_msg: string;
  critical: boolean;
}

/** The wire shape of every answer: exactly one of `response` or `error`. */
export type VkAnswer<R = Record<string, unknown>> = { response: R } | { error: VkErrorBody };
