/** Roles of ARCHITECTURE.md §5, after VK's "who can see this section". */
export const ROLES = ['CREATOR', 'ADMIN', 'PAYMENTS_ADMIN', 'VIEWER', 'MODERATOR'] as const;
export type Role = (typeof ROLES)[number];
