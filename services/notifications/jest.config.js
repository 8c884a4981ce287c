const preset = require('../../jest.preset.js');

// intl-messageformat and its @formatjs parts ship only as ES modules: swc turns them into CommonJS for jest
// (the service itself loads them natively through Node's require of ES modules).
const ESM_ONLY_PACKAGES = ['intl-messageformat', '@formatjs'];
const typescriptTransform = preset.transform['^.+\\.ts$'];

module.exports = {
  ...preset,
  displayName: 'notifications',
  rootDir: __dirname,
  transform: { ...preset.transform, '^.+\\.js$': typescriptTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
  reporters: ['default', [require.resolve('../../infra/jest/summary-reporter.js'), { name: 'notifications' }]],
};
