export * from './transient-error';
export * from './process-guards';
