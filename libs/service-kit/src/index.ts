export * from './service-definition';
export * from './service-runtime.module';
export * from './start-service';
export * from './migrate-service';
export * from './service-main';
export * from './graphql-enum';
export * from './clock';
export * from './periodic-job';
