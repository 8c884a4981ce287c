const preset = require('../../jest.preset.js');

// End-to-end: the five services and the gateway run as real processes; one suite at a time.
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'e2e' }]],
};
