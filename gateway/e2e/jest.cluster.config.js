const preset = require('../../jest.preset.js');

// The NATS cluster failover test (`npm run test:cluster`): about 2 minutes, kept out of `npm test`.
module.exports = {
  ...preset,
  displayName: 'cluster',
  rootDir: __dirname,
  testMatch: ['**/*.cluster.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
