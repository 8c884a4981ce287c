export * from './telemetry-variables';
export * from './start-tracing';
export * from './trace-graphql-requests';
export * from './telemetry-variables.notes';
