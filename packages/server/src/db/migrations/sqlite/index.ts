export { Migration20261127180855Initial } from './Migration20261127180855Initial.js';
export { Migration20261127182449AccessSettingsModerationAudit } from './Migration20261127182449AccessSettingsModerationAudit.js';
export { Migration20261127184530RefundedAtIndex } from './Migration20261127184530RefundedAtIndex.js';
export { Migration20261127210121LogTypeErrorIndex } from './Migration20261127210121LogTypeErrorIndex.js';
export { Migration20261127212037Fulfilment } from './Migration20261127212037Fulfilment.js';
export { Migration20261127214136FulfilmentSyncMode } from './Migration20261127214136FulfilmentSyncMode.js';
export { Migration20261202003934SecretsAtRest } from './Migration20261202003934SecretsAtRest.js';
export { Migration20261202012954UnverifiedRetentionIndex } from './Migration20261202012954UnverifiedRetentionIndex.js';
