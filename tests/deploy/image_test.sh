#!/usr/bin/env bash
# Builds the real image from the unchanged deploy/docker/Dockerfile and runs it, with no Docker engine: buildah
# builds (chroot isolation), podman runs, both as root without a daemon. Checks GET /api, a PUT/stats round trip,
# the non-root user and a clean exit on SIGTERM.
#
# Registries are out of reach, so the Dockerfile's base (docker.io/library/debian:bookworm-slim) is made locally
# with debootstrap from Debian's archive and imported under that exact name, then the build runs with --pull=never.
# The base and the container storage are cached in .cache/containers (vfs driver: no overlay mounts needed); the
# image built here is removed afterwards, the base is kept for the next run.
#
#   tests/deploy/image_test.sh <repository root> [loopback port; default: a free one]
set -euo pipefail
root="$1"
port="${2:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
base="docker.io/library/debian:bookworm-slim"
image="localhost/telemetryd:test"
container="telemetryd-image-test-$$"
cache="$root/.cache/containers"
run="$(mktemp -d)"
mkdir -p "$cache"

# podman and buildah read these: vfs storage under the cache, runc (crun fails on hybrid cgroups), explicit
# ulimits (raising limits is not permitted on these machines).
cat >"$cache/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$cache/storage"
runroot = "$run/runroot"
CONF
cat >"$cache/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_STORAGE_CONF="$cache/storage.conf" CONTAINERS_CONF="$cache/containers.conf"

cleanup() {
  podman rm -f "$container" >/dev/null 2>&1 || true
  podman rmi -f "$image" >/dev/null 2>&1 || true
  buildah rm --all >/dev/null 2>&1 || true
  podman image prune -f >/dev/null 2>&1 || true  # the build stage's layers: gigabytes under vfs
  rm -rf "$run"
}
trap cleanup EXIT

if ! podman image exists "$base"; then
  echo "image_test: making $base with debootstrap (cached for later runs)"
  rootfs="$run/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" >"$run/debootstrap.log" 2>&1 || { tail -20 "$run/debootstrap.log"; exit 1; }
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -c . | podman import - "$base" >/dev/null
  rm -rf "$rootfs"
fi

echo "image_test: building $image from deploy/docker/Dockerfile"
start=$(date +%s)
buildah bud --isolation chroot --pull=never --layers=false -f "$root/deploy/docker/Dockerfile" -t "$image" "$root" \
  >"$run/build.log" 2>&1 || { tail -40 "$run/build.log"; exit 1; }
echo "image_test: built in $(( $(date +%s) - start )) s, $(podman image inspect --format '{{.Size}}' "$image" | \
  awk '{printf "%.0f MB", $1 / 1e6}')"

podman run -d --name "$container" -p "127.0.0.1:$port:8080" "$image" >/dev/null
fail() { echo "image_test: $*" >&2; podman logs "$container" >&2 || true; exit 1; }

# Ready when /api answers (bounded: 30 s).
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/api" >"$run/hello" 2>/dev/null; then break; fi
  sleep 0.1
done
[ "$(cat "$run/hello" 2>/dev/null)" = '{"message":"Hello!"}' ] || fail "GET /api did not answer Hello"

answer=$(curl -fsS -X PUT -H 'Content-Type: application/json' \
  -d '{"sensorID":"107","temperature":"12","time":"2021-10-04 09:00:00"}' "http://127.0.0.1:$port/api/temperature")
[ "$answer" = "Ok" ] || fail "PUT answered $answer"
stats=$(curl -fsS "http://127.0.0.1:$port/api/stats")
[ "$stats" = '{"Average":12,"Maximum":12,"Minimum":12}' ] || fail "stats answered $stats"

user=$(podman exec "$container" id -u)
[ "$user" != "0" ] || fail "the server runs as root"
process_user=$(podman top "$container" user | tail -1 | tr -d ' ')
[ "$process_user" != "root" ] || fail "telemetryd runs as root"

podman stop -t 20 "$container" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
[ "$code" = "0" ] || fail "exit code $code after SIGTERM"
podman logs "$container" 2>&1 | grep -q '"message":"stopped"' || fail "no clean stop in the logs"
echo "image_test: GET /api, PUT and stats, user $user ($process_user), exit $code on SIGTERM: ok"
