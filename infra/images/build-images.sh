#!/usr/bin/env bash
# Builds the local Node 24 base (once per machine, infra/images/build-base.sh) and the six images of
# infra/images/Dockerfile, tagged localhost/mutuo-<project>:$MUTUO_IMAGE_TAG. Used by test-images.sh and
# infra/compose/test-compose.sh; podman's layer cache makes a rebuild of unchanged sources take seconds.
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
elapsed() { echo "$((SECONDS - $1)) s"; }

t=$SECONDS
MUTUO_BASE_IMAGE="$BASE_IMAGE" bash infra/images/build-base.sh
echo "build-images: base image ready in $(elapsed "$t")"

t=$SECONDS
cache_flag=()
[[ "${MUTUO_IMAGES_NO_CACHE:-}" == "1" ]] && cache_flag=(--no-cache)
for project in "${PROJECTS[@]}"; do
  # --format docker keeps the HEALTHCHECK (the OCI image format has no field for it); --network host lets npm ci reach
  # the registry from the build containers.
  podman build --quiet --format docker --network host "${cache_flag[@]}" \
    -f infra/images/Dockerfile --build-arg "NODE_IMAGE=$BASE_IMAGE" --build-arg "SERVICE=$project" \
    -t "localhost/mutuo-$project:$TAG" . >/dev/null
  echo "build-images: built localhost/mutuo-$project:$TAG ($(elapsed "$t") so far)"
done
echo "build-images: six images built in $(elapsed "$t")"
