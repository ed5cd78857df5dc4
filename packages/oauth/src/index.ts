export * from './catalogue';
export * from './flows';
