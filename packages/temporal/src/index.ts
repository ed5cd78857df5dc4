export * from './contracts';
export * from './search-attributes';
export { ensureSearchAttributes } from './register-search-attributes';
