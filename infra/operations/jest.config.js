const preset = require('../../jest.preset.js');

// Operations procedures proven against the real PostgreSQL and NATS, with services as processes: slow (minutes each,
// mostly compiling services at start), so not part of `npm test`. `npm run test:upgrade`, `npm run test:backup`.
module.exports = {
  ...preset,
  displayName: 'operations',
  rootDir: __dirname,
  testMatch: ['**/*.ops.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
