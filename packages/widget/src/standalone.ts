/**
 * The entry of the self-contained module (`dist/vk-payments-admin.js`): registers every tag and
 * exports the classes, for a plain `<script type="module" src=".../widget/vk-payments-admin.js">`.
 */
import './define.js';

export * from './index.js';
