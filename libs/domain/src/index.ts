export * from './decider';
export * from './decider-spec';
export * from './geo/geohash';
export * from './geo/geo-polygon';
export * from './calendar/weekly-rule';
