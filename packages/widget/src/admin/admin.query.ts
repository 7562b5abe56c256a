/**
 * The shell's one request: the app header and the latest payments together, so one token check
 * answers for both and the view never shows half a page. Types are written by hand for now; they
 * will be generated from the server's schema.graphql into shared (STYLE.md item 9).
 */
export const ADMIN_QUERY = /* GraphQL */ `
  query VkpAdmin($vkAppId: Int!, $first: Int) {
    app(vkAppId: $vkAppId) {
      vkAppId
      name
      settings { endpointUrl secretKeyHint apiVersion notificationUrl }
    }
    transactions(vkAppId: $vkAppId, first: $first) {
      totalCount
      edges { node { id orderId appOrderId vkUserId itemId title price status test createdAt } }
    }
  }
`;

/** How many payments the shell shows; the full, paged list is the transactions view's job. */
export const LATEST_PAYMENTS = 10;

export type TransactionStatus = 'CHARGEABLE' | 'REFUNDED';

export interface TransactionRow {
  id: string;
  /** VK's order_id: a decimal string, as it may exceed 2^53. */
  orderId: string | null;
  appOrderId: number;
  vkUserId: number;
  itemId: string;
  title: string;
  /** Votes. */
  price: number;
  status: TransactionStatus;
  test: boolean;
  /** ISO 8601. */
  createdAt: string;
}

export interface AdminData {
  app: {
    vkAppId: number;
    name: string;
    settings: { endpointUrl: string; secretKeyHint: string; apiVersion: string; notificationUrl: string | null };
  };
  transactions: { totalCount: number; edges: Array<{ node: TransactionRow }> };
}
