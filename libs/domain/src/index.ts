export * from './decider';
export * from './decider-spec';
export * from './geo/geohash';
export * from './geo/geo-polygon';
export * from './geo/point-in-area';
export * from './calendar/weekly-rule';
export * from './geo/geohash-cells';
export * from './calendar/weekly-windows';
