const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'testing',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'testing' }]],
};
