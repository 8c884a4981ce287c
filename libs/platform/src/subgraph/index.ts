export * from './subgraph-context';
export * from './format-error';
export * from './gateway-secret';
export * from './mount-subgraph';
export * from './refuse-unsafe-text';
export * from './cursor';
export * from './resolver-map';
export * from './request-loaders';
