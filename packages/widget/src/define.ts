/**
 * Registers the tags of the widget: `<vk-payments-admin>` and `<vk-payments-settings>` at once, and
 * each other view as soon as its element is in the document (its chunk is fetched then, see
 * lazy-views.ts). Each registration does nothing when the tag already exists: host pages load the
 * same script twice (two bundles, a hot reload).
 */
import './admin/admin.js';
import { LAZY_TAGS, loadOnSight, loadView } from './lazy-views.js';

loadOnSight(document);

/** Registers every view now, fetching the chunks not yet loaded; resolves when all are registered. */
export async function define(): Promise<void> {
  await Promise.all(LAZY_TAGS.map(loadView));
}
