# Sourced by the image scripts: podman settings these machines need (docs/operations.md "Images").
# The default ulimits cannot be set here, so podman gets a containers.conf without them; crun fails, runc works.
_mutuo_podman_conf="${MUTUO_IMAGES_CACHE:-/var/tmp/mutuo-images}/containers.conf"
mkdir -p "$(dirname "$_mutuo_podman_conf")"
if [[ ! -f "$_mutuo_podman_conf" ]]; then
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$_mutuo_podman_conf"
fi
export CONTAINERS_CONF="${CONTAINERS_CONF:-$_mutuo_podman_conf}"
command -v podman >/dev/null || { echo "podman is missing (apt-get install -y podman runc)" >&2; exit 1; }
