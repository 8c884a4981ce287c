export * from './unique-suffix';
export * from './wait-for';
export * from './test-database';
export * from './nats-test';
export * from './service-under-test';
export * from './processes';
