export * from './tls';
export * from './tracking-server';
