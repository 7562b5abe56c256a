export * from './protocol.js';
export * from './vk-errors.js';
export * from './api-errors.js';
export * from './roles.js';
export * from './input-errors.js';
export * from './limits.js';
