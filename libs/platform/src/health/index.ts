export * from './mount-health';
