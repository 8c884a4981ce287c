const preset = require('../../jest.preset.js');

// The N/N-1 side-by-side upgrade test: slow (it starts two versions of a service), so not part of `npm test`.
// Run it with `npm run test:upgrade`.
module.exports = {
  ...preset,
  displayName: 'upgrade',
  rootDir: __dirname,
  testMatch: ['**/*.upgrade.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};
