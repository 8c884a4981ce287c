#!/usr/bin/env node
// Keeps package.json honest: what the services and the gateway run in production is in `dependencies`, and
// everything only tests, benchmarks, scripts and build tooling use is in `devDependencies`, so an install without
// dev dependencies still starts every service. Run by the lint stage of infra/scripts/test-all.sh.
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

// Runtime dependencies that no runtime file imports by name, and why they are needed anyway.
const RUNTIME_WITHOUT_IMPORT = {
  '@nestjs/platform-express': 'NestFactory loads it by name as the default HTTP adapter',
  'reflect-metadata': 'peer dependency of @nestjs/common and @nestjs/core (decorator metadata)',
  '@swc-node/register': "infra/register.js runs the services' TypeScript for the serve and migrate targets",
  '@swc/core': 'the compiler @swc-node/register loads',
};

const SOURCE = /\.(ts|js|mjs|cjs)$/;
const IGNORED_DIRS = new Set(['node_modules', 'dist', '.state', '.nx', '.tools', 'tmp', 'coverage', '.git']);

/** Production code: services', libs' and the gateway's src, less tests, the test-only lib and build-time tools. */
function isRuntime(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (/\.(spec|test)\.ts$/.test(rel) || /\/test\//.test(rel)) return false;
  if (rel.startsWith('libs/testing/')) return false;
  // Composing the supergraph happens at build time (npm run compose); the gateway serves the composed file.
  if (rel.startsWith('gateway/src/compose/')) return false;
  return /^(services\/[^/]+|libs\/[^/]+|gateway)\/src\//.test(rel) || rel === 'infra/register.js';
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (IGNORED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (SOURCE.test(entry.name)) yield full;
  }
}

const IMPORTS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"\s]+)['"]/gm, // static import and re-export
  /^\s*import\s*['"]([^'"\s]+)['"]/gm, // import for side effects
  /\b(?:require|import|jest\.mock)\(\s*['"]([^'"\s]+)['"]\s*[,)]/g, // require, dynamic import, jest.mock
];
const aliases = Object.keys(compilerOptions.paths ?? {});
const builtins = new Set(builtinModules);

function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || aliases.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtins.has(name) ? undefined : name;
}

const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));
const usedAtRuntime = new Set();
const problems = [];

for (const top of ['services', 'libs', 'gateway', 'infra']) {
  for (const file of walk(path.join(root, top))) {
    const runtime = isRuntime(file);
    const rel = path.relative(root, file);
    const text = fs.readFileSync(file, 'utf8');
    for (const [, specifier] of IMPORTS.flatMap((pattern) => [...text.matchAll(pattern)])) {
      const name = packageOf(specifier);
      if (!name) continue;
      if (runtime) {
        usedAtRuntime.add(name);
        if (!dependencies.has(name)) problems.push(`${rel} runs in production and imports ${name}, which is not in dependencies`);
      } else if (!dependencies.has(name) && !devDependencies.has(name)) {
        problems.push(`${rel} imports ${name}, which package.json does not list`);
      }
    }
  }
}

for (const name of dependencies) {
  if (!usedAtRuntime.has(name) && !RUNTIME_WITHOUT_IMPORT[name]) {
    problems.push(`${name} is in dependencies but no production code imports it: move it to devDependencies`);
  }
}

const unique = [...new Set(problems)];
if (unique.length > 0) {
  console.error(`check-dependencies: ${unique.length} problem(s)\n  ${unique.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-dependencies: ${dependencies.size} runtime and ${devDependencies.size} development dependencies in their places`);
