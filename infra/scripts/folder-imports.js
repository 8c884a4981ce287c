#!/usr/bin/env node
// Reports how the top-level folders of a service's src/ import each other: folder count,
// relative imports that leave their folder, the folder graph and its cycles.
// Usage: node infra/scripts/folder-imports.js services/membership/src [--graph]
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] ?? 'services/membership/src');
const showGraph = process.argv.includes('--graph');

function walk(dir, files = [], dirs = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      dirs.push(full);
      walk(full, files, dirs);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(full);
  }
  return { files, dirs };
}

// The top-level folder a file belongs to; files directly in src/ belong to '(root)'.
function topFolder(file) {
  const rel = path.relative(root, file).split(path.sep);
  return rel.length > 1 ? rel[0] : '(root)';
}

const { files, dirs } = walk(root);
const graph = new Map();
let crossFolderImports = 0;
let crossTopImports = 0;
const sideways = [];
const SHARED = new Set(['domain', 'shared', 'migrations']);
for (const file of files) {
  const source = fs.readFileSync(file, 'utf8');
  for (const match of source.matchAll(/from\s+'(\.[^']*)'/g)) {
    const target = path.resolve(path.dirname(file), match[1]);
    if (path.dirname(target) !== path.dirname(file)) crossFolderImports++;
    const from = topFolder(file);
    const to = topFolder(target);
    if (from === to) continue;
    crossTopImports++;
    const composing = from === '(root)' || from === 'graphql' || file.endsWith('.module.ts');
    if (!composing && to !== '(root)' && !SHARED.has(to)) sideways.push(`${path.relative(root, file)} -> ${match[1]}`);
    // Root files and graphql/ compose every use case; only the other folders' edges can form loops.
    if (from === '(root)' || from === 'graphql') continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from).add(to);
  }
}

// Strongly connected components with more than one folder are import loops (Tarjan).
function cycles() {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const components = [];
  const visit = (node) => {
    meta.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!meta.has(next)) {
        visit(next);
        meta.get(node).low = Math.min(meta.get(node).low, meta.get(next).low);
      } else if (meta.get(next).onStack) {
        meta.get(node).low = Math.min(meta.get(node).low, meta.get(next).index);
      }
    }
    if (meta.get(node).low === meta.get(node).index) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        meta.get(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!meta.has(node)) visit(node);
  return components;
}

const loops = cycles();
console.log(`folders: ${dirs.length}`);
console.log(`relative imports leaving their folder (non-spec): ${crossFolderImports}`);
console.log(`relative imports between top-level folders (non-spec): ${crossTopImports}`);
console.log(`sideways imports between use-case folders (outside root files, graphql/, *.module.ts): ${sideways.length}`);
if (showGraph) for (const line of sideways) console.log(`  sideways: ${line}`);
console.log(`top-level folder edges (outside root files and graphql/): ${[...graph.values()].reduce((n, s) => n + s.size, 0)}`);
console.log(`import loops between top-level folders: ${loops.length}`);
for (const loop of loops) console.log(`  loop: ${loop.join(' <-> ')}`);
if (showGraph) for (const [from, to] of [...graph].sort()) console.log(`  ${from} -> ${[...to].sort().join(', ')}`);
process.exitCode = loops.length > 0 ? 1 : 0;
