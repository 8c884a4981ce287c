export * from './config-error';
export * from './load-config';
export * from './dev-defaults';
export * from './auth-variables';
export * from './service-config';
export * from './infrastructure-variables';
export * from './personal-data-keks';
export * from './nats-stream-variables';
