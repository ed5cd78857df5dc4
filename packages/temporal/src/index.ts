export * from './contracts';
export { ensureSearchAttributes } from './register-search-attributes';
export * from './search-attributes';
