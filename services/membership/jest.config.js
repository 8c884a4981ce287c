const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'membership',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'membership' }]],
};
