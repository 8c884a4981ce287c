#!/usr/bin/env bash
# The fast part of the suite, on whichever Node is first on PATH: the typecheck of every project, and the
# tests of the core libs and one service (real PostgreSQL and NATS). test-all.sh runs it on Node 24 through
# node24.sh, so a second Node major is checked without running the whole suite twice.
set -uo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

echo "node $(node -v)"
status=0
# The Nx cache does not key on the Node version: skip it so these really run on this Node. Lint is left out: its
# findings do not depend on the Node version and the type-aware rules cost minutes of CPU.
npx nx run-many -t typecheck --parallel=2 --outputStyle=static --skip-nx-cache || status=1
npx nx run-many -t test -p domain,contracts,event-store,requests --parallel=1 --outputStyle=static || status=1
echo "fast part on node $(node -v): $((SECONDS / 60)) min $((SECONDS % 60)) s"
exit $status
