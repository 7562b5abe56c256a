/**
 * Registers every tag of the widget. Each registration does nothing when the tag already exists:
 * host pages load the same script twice (two bundles, a hot reload).
 */
import './admin/admin.js';

export function define(): void {
  // Importing this module registered the tags; the function stays for hosts that call it explicitly.
}
