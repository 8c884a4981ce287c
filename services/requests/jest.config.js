const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'requests', rootDir: __dirname };
