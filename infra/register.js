// Runs TypeScript directly (dev server, scripts, migrations): swc with the workspace's path aliases.
const path = require('node:path');

process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
