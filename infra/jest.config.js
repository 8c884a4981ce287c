const preset = require('../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'infra',
  rootDir: __dirname,
  // The infrastructure's own tests: the Helm chart today. bench/ holds benchmarks, not tests.
  roots: ['<rootDir>/test'],
  // Fixtures are source trees the tests scan, including files named like tests.
  testPathIgnorePatterns: ['/node_modules/', '/test/fixtures/'],
  reporters: ['default', [require.resolve('./jest/summary-reporter.js'), { name: 'infra' }]],
};
