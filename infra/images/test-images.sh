#!/usr/bin/env bash
# `npm run test:images` (kept out of `npm test`: minutes, and it needs root for podman and debootstrap).
# Builds the local Node 24 base (once per machine) and the six images (build-images.sh), checks what the
# runtime images hold, then runs the walking skeleton against them as containers (infra/images/skeleton/).
#   MUTUO_IMAGES_NO_CACHE=1   build the images without podman's layer cache (a cold build)
#   MUTUO_IMAGE_TAG=dev       the tag given to localhost/mutuo-<project>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=podman-env.sh
source infra/images/podman-env.sh
BASE_IMAGE="${MUTUO_BASE_IMAGE:-localhost/mutuo-node:24}"
TAG="${MUTUO_IMAGE_TAG:-dev}"
PROJECTS=(membership requests matching funds notifications gateway)
# Packages the build needs and the runtime must not carry.
DEV_ONLY=(typescript jest nx eslint prettier @swc/jest tsc-alias embedded-postgres)
started=$SECONDS
elapsed() { echo "$((SECONDS - $1)) s"; }

bash infra/images/build-images.sh

problems=0
for project in "${PROJECTS[@]}"; do
  image="localhost/mutuo-$project:$TAG"
  user="$(podman image inspect --format '{{.Config.User}}' "$image")"
  health="$(podman image inspect --format '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}' "$image")"
  size="$(podman image inspect --format '{{.Size}}' "$image")"
  found="$(podman run --rm --runtime runc --network none --read-only --no-healthcheck --entrypoint sh "$image" -c \
    'for p in "$@"; do [ -e "node_modules/$p" ] && printf "%s " "$p"; done; true' sh "${DEV_ONLY[@]}")"
  echo "test-images: $image: $((size / 1024 / 1024)) MiB, user $user, healthcheck: ${health:0:40}…"
  if [[ -n "$found" ]]; then echo "test-images: $image carries devDependencies: $found" >&2; problems=1; fi
  if [[ ! "$user" =~ ^[1-9][0-9]*(:[0-9]+)?$ ]]; then echo "test-images: $image must run as a numeric non-root user (got '$user')" >&2; problems=1; fi
  if [[ -z "$health" ]]; then echo "test-images: $image has no HEALTHCHECK" >&2; problems=1; fi
done
[[ $problems == 0 ]] || exit 1

t=$SECONDS
node -r ./infra/register.js infra/images/skeleton/run-skeleton.ts "localhost/mutuo-" ":$TAG"
echo "test-images: containers and walking skeleton in $(elapsed "$t"); whole run $(elapsed "$started")"
