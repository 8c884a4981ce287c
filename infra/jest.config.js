const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'infra',
  rootDir: __dirname,
  // The infrastructure's own tests: the Helm chart today. bench/ holds benchmarks, not tests.
  roots: ['<rootDir>/test'],
  reporters: ['default', [require.resolve('./jest/summary-reporter.js'), { name: 'infra' }]],
};
