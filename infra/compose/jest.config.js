const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'infra-compose',
  rootDir: __dirname,
  reporters: ['default', [require.resolve('../jest/summary-reporter.js'), { name: 'infra-compose' }]],
};
