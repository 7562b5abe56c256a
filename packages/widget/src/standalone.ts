/**
 * The entry of the module a page loads with one `<script type="module" src=".../widget/vk-payments-admin.js">`
 * (`dist/vk-payments-admin.js`): registers the tags and exports what a page's own script may use. It
 * carries the shell, the settings view and the client; every other view is a chunk of its own beside
 * it, fetched when first needed (lazy-views.ts), so its class is not exported here:
 * `await loadView('vk-payments-logs')`, then `customElements.get('vk-payments-logs')`.
 */
export { define } from './define.js';
export * from './public-api.js';
