const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'domain',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'domain' }]],
};
