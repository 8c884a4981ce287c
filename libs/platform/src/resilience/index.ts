export { classifyTransientError, isTransientError, type TransientFailure, type TransientKind } from '@mutuo/event-store';
export * from './process-guards';
