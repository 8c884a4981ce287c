#!/usr/bin/env bash
# `npm run test:compose` (kept out of `npm test`; run `npm run test:images` first, it builds the service images):
# brings infra/compose/compose.yaml up with podman-compose and runs the walking skeleton through its gateway.
# postgres and nats images cannot be pulled here, so local stand-ins are built once (local-images/): Debian's
# PostgreSQL 15 and the machine's nats-server, on the local Node base.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=../images/podman-env.sh
source infra/images/podman-env.sh
BASE_IMAGE="${MUTUO_BASE_IMAGE:-localhost/mutuo-node:24}"
TAG="${MUTUO_IMAGE_TAG:-dev}"
started=$SECONDS

command -v podman-compose >/dev/null || { echo "test-compose: podman-compose is missing (apt-get install -y podman-compose)" >&2; exit 1; }
if [[ -e infra/compose/.env ]]; then
  echo "test-compose: infra/compose/.env exists and podman-compose would read it instead of the test's secrets; move it away" >&2
  exit 1
fi
for project in membership requests matching funds notifications gateway; do
  podman image exists "localhost/mutuo-$project:$TAG" || { echo "test-compose: localhost/mutuo-$project:$TAG is missing: run npm run test:images first" >&2; exit 1; }
done
MUTUO_BASE_IMAGE="$BASE_IMAGE" bash infra/images/build-base.sh

context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp infra/compose/local-images/* "$context/"
if ! podman image exists localhost/mutuo-postgres-local:test; then
  podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_IMAGE" -f "$context/postgres.Containerfile" -t localhost/mutuo-postgres-local:test "$context" >/dev/null
fi
if ! podman image exists localhost/mutuo-nats-local:test; then
  cp "$(command -v nats-server || echo /usr/sbin/nats-server)" "$context/nats-server"
  podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_IMAGE" -f "$context/nats.Containerfile" -t localhost/mutuo-nats-local:test "$context" >/dev/null
fi
echo "test-compose: stand-in images ready in $((SECONDS - started)) s"

node -r ./infra/register.js infra/images/skeleton/compose-skeleton.ts "$TAG"
echo "test-compose: whole run $((SECONDS - started)) s"
