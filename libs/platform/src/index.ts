export * from './config';
export * from './context';
export * from './logging';
export * from './auth';
export * from './database';
export * from './subgraph';
export * from './health';
export * from './shutdown';
