#!/usr/bin/env bash
# Runs the two images built by `bin/mvn package -Pimages -pl docker -am` with no container engine: each
# tar's layers are unpacked into a root file system and the image's entrypoint runs there (chroot in new
# mount and PID namespaces, with /proc and /dev as a runtime gives them, on the host's network) as the
# image's user with the image's environment. The API starts on its embedded PostgreSQL, the worker joins
# it, and an uploaded learnware must become USABLE: validated by the worker in its bubblewrap sandbox,
# inside the worker image. Needs root, unshare, curl and python3; ports API_PORT (18080) and
# MANAGEMENT_PORT (19000).
#
#   docker/smoke-test.sh [WORK_DIR]     (default docker/target/smoke)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-docker/target/smoke}
api_port=${API_PORT:-18080}
management_port=${MANAGEMENT_PORT:-19000}
[ "$(id -u)" = 0 ] || { echo "error: run as root (chroot, mounts)" >&2; exit 2; }

config() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; v=c.get(sys.argv[2]); print("\n".join(v) if isinstance(v,list) else v)' "$1" "$2"; }

# unpack IMAGE_TAR DIR: the image's layers, in order, into DIR/rootfs; its config into DIR/image.
unpack() {
  rm -rf "$2" && mkdir -p "$2/image" "$2/rootfs"
  tar -xf "$1" -C "$2/image"
  for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$2/image/manifest.json"); do
    tar -xzf "$2/image/$layer" -C "$2/rootfs" --same-owner --numeric-owner --warning=no-unknown-keyword
  done
  mkdir -p "$2/rootfs/proc" "$2/rootfs/dev"
  printf '127.0.0.1 localhost\n' >"$2/rootfs/etc/hosts"
}

# start DIR LOG ENV... -- ARGS...: the image's entrypoint (plus ARGS) in DIR/rootfs in the background, as
# the image's user, with only the image's environment plus ENV; prints its pid. chroot passes the
# environment on; nothing of the caller's leaks in.
start() {
  local dir; dir=$(cd "$1" && pwd); local log=$2; shift 2
  local extra_env=() env entrypoint
  while [ "$1" != -- ]; do extra_env+=("$1"); shift; done; shift
  mapfile -t env < <(config "$dir/image/config.json" Env)
  mapfile -t entrypoint < <(config "$dir/image/config.json" Entrypoint)
  env -i "${env[@]}" "${extra_env[@]}" /usr/bin/unshare --mount --pid --fork --kill-child /bin/sh -c '
    root=$1; user=$2; shift 2
    /bin/mount --bind "$root" "$root" && /bin/mount -t proc proc "$root/proc" && /bin/mount --rbind /dev "$root/dev" &&
      exec /usr/sbin/chroot --userspec="$user" "$root" "$@"
    ' sh "$dir/rootfs" "$(config "$dir/image/config.json" User)" "${PREFIX[@]}" "${entrypoint[@]}" "$@" >"$log" 2>&1 &
  echo $!
}

unpack docker/target/learnware-market-api.tar "$work/api"
unpack docker/target/learnware-market-worker.tar "$work/worker"
worker_token=lww_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

PREFIX=()
start "$work/api" "$work/api.log" QUARKUS_HTTP_PORT="$api_port" QUARKUS_MANAGEMENT_PORT="$management_port" \
  LEARNWARE_WORKER_TOKEN="$worker_token" -- >"$work/api.pid"
api_pid=$(cat "$work/api.pid")
# unshare does not pass SIGTERM on: stop the entrypoint itself, as a runtime would.
stop() { pkill -TERM -P "$1" 2>/dev/null || true; }
trap 'stop "$api_pid"; [ -z "${worker_pid:-}" ] || stop "$worker_pid"; wait' EXIT
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$management_port/q/health/ready"; echo
# The health check compose.yaml runs, from inside the API's root file system, as its user.
chroot --userspec=1000:1000 "$work/api/rootfs" /usr/bin/busybox wget -q -O - \
  "http://127.0.0.1:$management_port/q/health/ready" >/dev/null && echo "busybox wget health check: ok"
admin=$(cat "$work/api/rootfs/data/admin-token")

# The worker keeps only the capabilities docker/kubernetes/worker.yaml grants it (setpriv from its own
# image lowers the bounding set before Java starts, as a runtime's capability list would).
caps=$(python3 - <<'PY'
import re
text = open("docker/kubernetes/worker.yaml").read()
block = re.search(r"add:\s*\[([^\]]*)\]", text).group(1)
print(",".join("+" + c.strip().lower() for c in block.split(",")))
PY
)
echo "worker capabilities: $caps"
PREFIX=(/usr/bin/setpriv --inh-caps=-all --bounding-set="-all,$caps" --)
start "$work/worker" "$work/worker.log" LEARNWARE_SERVER="http://127.0.0.1:$api_port" \
  LEARNWARE_WORKER_TOKEN="$worker_token" -- --types validate >"$work/worker.pid"
worker_pid=$(cat "$work/worker.pid")

curl -fsS -H "Authorization: Bearer $admin" -F 'spec=@fixtures/diabetes-mlp/spec.json;type=application/json' \
  -F 'model=@fixtures/diabetes-mlp/model.pt' -F 'file=@fixtures/diabetes-mlp/features.pt' \
  "http://127.0.0.1:$api_port/api/v1/learnwares/admin/smoke/versions"; echo
for _ in $(seq 120); do
  state=$(curl -fsS "http://127.0.0.1:$api_port/api/v1/learnwares/admin/smoke/versions/1" -H "Authorization: Bearer $admin" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  [ "$state" != PENDING ] && break
  sleep 1
done
echo "state: $state"
[ "$state" = USABLE ] || { echo "--- worker log"; tail -30 "$work/worker.log"; exit 1; }
