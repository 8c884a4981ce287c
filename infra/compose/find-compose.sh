#!/usr/bin/env bash
# Prints the command line of a Compose v2 implementation (Docker Compose, which honours depends_on conditions):
# `docker compose` when the Docker CLI has the plugin, a `docker-compose` v2 on the PATH, or else Debian's
# docker-compose package (2.26.1, from trixie: bookworm only has the Python v1) unpacked once into the cache.
# Only the unpacked binary is used, nothing is installed on the machine. Run by test-compose.sh.
#   MUTUO_COMPOSE_DEB_SUITE=trixie   the Debian suite to take docker-compose from
set -euo pipefail
cache="${MUTUO_IMAGES_CACHE:-/var/tmp/mutuo-images}/compose"
is_v2() { "$@" version --short 2>/dev/null | grep -qE '^v?2\.'; }

if command -v docker >/dev/null && is_v2 docker compose; then echo "docker compose"; exit 0; fi
if command -v docker-compose >/dev/null && is_v2 docker-compose; then command -v docker-compose; exit 0; fi
binary="$cache/usr/libexec/docker/cli-plugins/docker-compose"
if [[ ! -x "$binary" ]]; then
  suite="${MUTUO_COMPOSE_DEB_SUITE:-trixie}"
  apt_dir="$cache/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  echo "deb ${DEBIAN_MIRROR:-http://deb.debian.org/debian} $suite main" >"$apt_dir/sources.list"
  # A private apt state: the machine's own sources and package lists stay as they are.
  apt_options=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o APT::Sandbox::User=root)
  apt-get "${apt_options[@]}" -qq update >&2
  (cd "$apt_dir" && rm -f docker-compose_*.deb && apt-get "${apt_options[@]}" -qq download docker-compose >&2)
  dpkg-deb -x "$apt_dir"/docker-compose_*.deb "$cache"
  rm -rf "$apt_dir"
fi
is_v2 "$binary" || { echo "find-compose: $binary is not Compose v2" >&2; exit 1; }
echo "$binary"
