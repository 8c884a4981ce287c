const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'funds', rootDir: __dirname };
