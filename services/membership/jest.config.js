const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'membership', rootDir: __dirname };
