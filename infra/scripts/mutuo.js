#!/usr/bin/env node
// `npm run mutuo -- <service|all> <group> <action> [arguments] [--yes]`: the operator command line. Each service
// answers for itself (its database, its stream, its consumers), with the environment it would start with; `all`
// runs the command for every service in turn. In a checkout the sources run (a stale build must not answer); where
// there are no sources (an image) or MUTUO_BUILT=1, the built output does. docs/operations.md lists the commands.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'];

function entryPoint(service) {
  const source = path.join(ROOT, 'services', service, 'src', 'operate.ts');
  if (process.env.MUTUO_BUILT !== '1' && fs.existsSync(source)) return ['-r', path.join(ROOT, 'infra', 'register.js'), source];
  return [path.join(ROOT, 'dist', 'services', service, 'operate.js')];
}

const [target, ...rest] = process.argv.slice(2);
if (!target || target === 'help' || target === '--help') {
  process.stderr.write(`usage: mutuo <${SERVICES.join('|')}|all> <group> <action> [arguments] [--yes]\n`);
  process.stderr.write('       mutuo <service> help   lists the groups and actions\n');
  process.exit(target ? 0 : 2);
}
const targets = target === 'all' ? SERVICES : [target];
if (targets.some((service) => !SERVICES.includes(service))) {
  process.stderr.write(`mutuo: unknown service "${target}"; choose one of ${SERVICES.join(', ')} or all\n`);
  process.exit(2);
}
let exitCode = 0;
for (const service of targets) {
  const result = spawnSync(process.execPath, [...entryPoint(service), ...rest], { cwd: ROOT, stdio: 'inherit', env: process.env });
  exitCode = Math.max(exitCode, result.status ?? 1);
}
process.exit(exitCode);
