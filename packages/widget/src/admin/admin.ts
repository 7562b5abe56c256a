/** Side-effect entry: importing it registers `<vk-payments-admin>` (and, later, the views it shows). */
import { define } from '../define.js';

export { VkPaymentsAdmin } from './admin.component.js';

define();
