#!/usr/bin/env node
// Builds one deployable project (a service or the gateway) into dist/<project root>/: plain CommonJS that starts with
// `node`, no TypeScript or swc at run time (docs/operations.md, "Build and run"). The nx `build` target runs it:
//
//   node infra/scripts/build-project.js services/membership   →  dist/services/membership/{main,migrate,operate}.js
//   node infra/scripts/build-project.js gateway               →  dist/gateway/main.js
//
// The output holds the project and the libs it imports (tsc's rootDir is the repository), so one folder plus the
// production node_modules runs it. `@mutuo/*` imports become relative paths (tsc-alias); the files the code reads next
// to itself at run time (schema.graphql, the gateway's supergraph) are copied beside the compiled code.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// The commands a project may have (services/<name>/src/<entry>.ts); each becomes dist/<project>/<entry>.js.
const ENTRY_POINTS = ['main', 'migrate', 'operate'];
// Read at run time beside the compiled code, relative to the project root (the gateway's default SUPERGRAPH_PATH).
const PROJECT_ASSETS = { gateway: ['supergraph.graphql'] };

function fail(message) {
  process.stderr.write(`build-project: ${message}\n`);
  process.exit(1);
}

function run(bin, args) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`${path.basename(bin)} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** Every `*.graphql` under `dir` (schema.graphql of a service), as paths relative to the repository. */
function graphqlFiles(dir) {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.graphql'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

function copyInto(outDir, file) {
  const target = path.join(outDir, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(ROOT, file), target);
}

function writeEntryPoint(outDir, projectRoot, entry) {
  const compiled = `./${path.posix.join(projectRoot.split(path.sep).join('/'), 'src', `${entry}.js`)}`;
  if (!fs.existsSync(path.join(outDir, compiled))) fail(`${compiled} was not emitted in ${path.relative(ROOT, outDir)}`);
  const text = `'use strict';\n// Stable entry point of the built ${projectRoot} (${entry}); docs/operations.md, "Build and run".\nrequire('${compiled}');\n`;
  fs.writeFileSync(path.join(outDir, `${entry}.js`), text);
}

function main() {
  const projectRoot = process.argv[2];
  const tsconfig = projectRoot && path.join(projectRoot, 'tsconfig.app.json');
  if (!projectRoot || !fs.existsSync(path.join(ROOT, tsconfig)))
    fail(`usage: build-project.js <project root with a tsconfig.app.json> (got "${projectRoot ?? ''}")`);
  const outDir = path.join(ROOT, 'dist', projectRoot);
  // A file deleted from the sources must not survive in the output.
  fs.rmSync(outDir, { recursive: true, force: true });
  // Types are checked by the typecheck target; emitting without checking halves the build.
  run(require.resolve('typescript/bin/tsc'), ['-p', tsconfig, '--noCheck']);
  run(require.resolve('tsc-alias/dist/bin/index.js'), ['-p', tsconfig]);

  for (const file of graphqlFiles(path.join(projectRoot, 'src'))) copyInto(outDir, file);
  for (const asset of PROJECT_ASSETS[projectRoot] ?? []) copyInto(outDir, path.join(projectRoot, asset));
  const entries = ENTRY_POINTS.filter((entry) => fs.existsSync(path.join(ROOT, projectRoot, 'src', `${entry}.ts`)));
  if (!entries.includes('main')) fail(`${projectRoot}/src/main.ts is missing`);
  for (const entry of entries) writeEntryPoint(outDir, projectRoot, entry);
  process.stdout.write(`built ${path.relative(ROOT, outDir)}: ${entries.map((entry) => `${entry}.js`).join(', ')}\n`);
}

main();
