export * from './token-format.js';
export * from './token-status.js';
export * from './policy.js';
export * from './notices.js';
export * from './unused-tokens.js';
export * from './iso-time.js';
export * from './tenant-slug.js';
