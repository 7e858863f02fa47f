export * from './entities/index.js';
export * from './orm-config.js';
export * from './rules/index.js';
export { MIGRATIONS } from './migrations/index.js';
