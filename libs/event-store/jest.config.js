const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'event-store',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'event-store' }]],
};
