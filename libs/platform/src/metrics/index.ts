export * from './metrics';
export * from './metrics.module';
export * from './http-metrics';
export * from './graphql-metrics';
export * from './database-pool-metrics';
export * from './metrics-endpoint';
