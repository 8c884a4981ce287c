const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'requests',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'requests' }]],
};
