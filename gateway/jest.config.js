const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'gateway',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../infra/jest/summary-reporter.js'), { name: 'gateway' }]],
};
