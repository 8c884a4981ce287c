#!/usr/bin/env bash
# `npm run test:compose` (kept out of `npm test`: minutes, and it needs root for podman): builds the images (the same
# machinery as test:images, cached), brings infra/compose/compose.yaml up with Compose v2 against podman's Docker API,
# runs the walking skeleton through the compose gateway, upgrades one service alone, runs it again, and tears the
# project down (containers, volumes, networks) whatever the outcome. See infra/compose/README.md.
# postgres and nats images cannot be pulled here, so local stand-ins are built once (local-images/): Debian's
# PostgreSQL 15 and the machine's nats-server, on the local Node base.
#   MUTUO_IMAGE_TAG=dev   the tag of localhost/mutuo-<project> to bring up
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=../images/podman-env.sh
source infra/images/podman-env.sh
BASE_IMAGE="${MUTUO_BASE_IMAGE:-localhost/mutuo-node:24}"
TAG="${MUTUO_IMAGE_TAG:-dev}"
started=$SECONDS

MUTUO_BASE_IMAGE="$BASE_IMAGE" MUTUO_IMAGE_TAG="$TAG" bash infra/images/build-images.sh
t=$SECONDS
context="$(mktemp -d)"
service_pid=""
cleanup() {
  if [[ -n "$service_pid" ]]; then kill "$service_pid" 2>/dev/null || true; fi
  rm -rf "$context"
}
trap cleanup EXIT
cp infra/compose/local-images/* "$context/"
if ! podman image exists localhost/mutuo-postgres-local:test; then
  podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_IMAGE" -f "$context/postgres.Containerfile" -t localhost/mutuo-postgres-local:test "$context" >/dev/null
fi
if ! podman image exists localhost/mutuo-nats-local:test; then
  cp "$(command -v nats-server || echo /usr/sbin/nats-server)" "$context/nats-server"
  podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_IMAGE" -f "$context/nats.Containerfile" -t localhost/mutuo-nats-local:test "$context" >/dev/null
fi
echo "test-compose: postgres and nats stand-in images ready in $((SECONDS - t)) s"

MUTUO_COMPOSE="$(bash infra/compose/find-compose.sh)"
export MUTUO_COMPOSE
echo "test-compose: $($MUTUO_COMPOSE version)"
# Compose talks to the Docker API: podman serves it on a socket of this run, for as long as the run lasts.
socket="$context/podman.sock"
# Its log is mostly podman saying it cannot reach systemd for healthchecks (see infra/images/skeleton/compose-region.ts).
podman system service --time=0 "unix://$socket" 2>"${MUTUO_IMAGES_CACHE:-/var/tmp/mutuo-images}/podman-service.log" &
service_pid=$!
for _ in $(seq 50); do [[ -S "$socket" ]] && break; sleep 0.2; done
[[ -S "$socket" ]] || { echo "test-compose: podman system service did not open $socket" >&2; exit 1; }
export DOCKER_HOST="unix://$socket"

node -r ./infra/register.js infra/images/skeleton/run-compose-region.ts "$TAG"
echo "test-compose: whole run $((SECONDS - started)) s"
