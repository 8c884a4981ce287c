const preset = require('../../jest.preset.js');

// The OpenTelemetry end-to-end test (`npm run test:traces`): the whole platform as processes exporting spans over
// OTLP to a local receiver. Kept out of `npm test`: one more platform start than the default run can afford.
module.exports = {
  ...preset,
  displayName: 'e2e-traces',
  rootDir: __dirname,
  testMatch: ['**/traces.slow.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
