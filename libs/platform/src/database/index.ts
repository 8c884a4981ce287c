export * from './postgres-admin';
export * from './orm-config';
export * from './run-migrations';
export * from './database-check';
export * from './pod-isolation-check';
export * from './migration-status';
export * from './pending-migrations';
export * from './connection-url';
