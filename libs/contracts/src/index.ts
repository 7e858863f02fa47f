export * from './errors.js';
export * from './auth.js';
export * from './users.js';
export * from './tokens.js';
export * from './policy.js';
export * from './history.js';
export * from './data-sources.js';
export * from './health.js';
