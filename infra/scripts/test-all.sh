#!/usr/bin/env bash
# The one test command (README): the checks of generated files (supergraph, GraphQL types, configuration reference),
# lint, typecheck, the build, every project's unit and integration tests against the real PostgreSQL and NATS, and the
# end-to-end suite (on the sources and on the build); then the fast part (typecheck, core libs and requests) once more
# on Node 24.
set -uo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
export JEST_SUMMARY_DIR="$PWD/tmp/jest-summary"
rm -rf "$JEST_SUMMARY_DIR"

status=0
step() {
  echo "== $1"
  shift
  "$@" || { echo "!! failed: $*"; status=1; }
}

step "supergraph composition is up to date" node -r ./infra/register.js gateway/src/compose/compose-supergraph.ts --check
step "dependencies in their places" node infra/scripts/check-dependencies.js
step "generated GraphQL types are up to date" node -r ./infra/register.js infra/scripts/codegen.ts --check
step "NATS authorization is up to date" node -r ./infra/register.js infra/scripts/nats-permissions.ts --check
step "configuration reference is up to date" node -r ./infra/register.js infra/scripts/config-reference.ts --check
step "API reference (schema, types, error codes) is up to date" node -r ./infra/register.js infra/scripts/api-reference.ts --check
step "lint and typecheck" npx nx run-many -t lint typecheck --parallel=2 --outputStyle=static
step "formatting" npm run --silent format:check
# Before the tests: the end-to-end suite runs the built output too (gateway/e2e/built-output.e2e.ts).
step "build" npm run --silent build
# Integration suites share one PostgreSQL and NATS on a 2-core machine: one project at a time.
step "unit and integration tests" npx nx run-many -t test --parallel=1 --outputStyle=static
# The fast part again on Node 24 (fetched into .tools/ on first use); its tests stay out of the closing totals.
step "fast part on Node 24" env -u JEST_SUMMARY_DIR bash infra/scripts/node24.sh bash infra/scripts/fast-checks.sh

node -e '
const fs = require("fs"), path = require("path");
const dir = process.env.JEST_SUMMARY_DIR;
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  const s = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  for (const k of Object.keys(totals)) totals[k] += s[k];
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.passed === 0) process.exitCode = 1;
' || status=1
exit $status
