#!/usr/bin/env bash
# Builds the Docker image without a Docker engine (Debian's podman, root) and checks it end to end: the broker
# starts from the image as uid 1883, refuses anonymous clients, lets a device created through the admin API in,
# delivers through mosquitto_pub/mosquitto_sub from outside, answers its health check, drains on SIGTERM, and
# keeps a persistent session's queued message in its volume across a restart. test.sh runs it after the Maven
# suite; it needs the jar that build made (broker-server/target/ternmq.jar).
#
# Where no registry can be reached, the base image is made here: debootstrap --variant=minbase bookworm, then
# podman import (cached in $CACHE_DIR). Podman runs with runc and cgroupfs (crun refuses hybrid cgroups) and
# ulimits the sandbox allows.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-$(mktemp -d /tmp/ternmq-image.XXXXXX)}
CACHE_DIR=${CACHE_DIR:-/var/cache/ternmq-ci}
IMAGE=localhost/ternmq:ci
NAME=ternmq-ci-$$
TCP=21883 TLS=28883 QUIC=24567 HTTP=28083
t0=$SECONDS
step() { echo "ci-image: [$((SECONDS - t0)) s] $*"; }
die() { echo "ci-image: FAILED: $*" >&2; [ -n "${NAME:-}" ] && podman logs "$NAME" 2>&1 | tail -30 >&2; exit 1; }

[ -f broker-server/target/ternmq.jar ] || die "no broker-server/target/ternmq.jar: run the Maven build first"
sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
need=()
for b in podman runc debootstrap mosquitto_pub curl openssl; do command -v $b >/dev/null 2>&1 || need+=("$b"); done
if ((${#need[@]})); then
  pkgs=(); for b in "${need[@]}"; do case $b in mosquitto_pub) pkgs+=(mosquitto-clients) ;; *) pkgs+=("$b") ;; esac; done
  step "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${pkgs[@]}" uidmap >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${pkgs[@]}" uidmap >/dev/null; }
fi
podman() { $sudo env CONTAINERS_CONF="$WORK/containers.conf" podman "$@"; }
cat >"$WORK/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
service=""
cleanup() {
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  if [ -n "$service" ]; then
    $sudo kill "$service" 2>/dev/null || true # podman's API service, when a check failed while it ran
  fi
  $sudo rm -rf "$WORK"
}
trap cleanup EXIT

# --- the base image: debian:bookworm-slim when it can be pulled, else one made with debootstrap -------------
BASE=localhost/debian:bookworm-minbase
if ! podman image exists "$BASE"; then
  if podman pull -q docker.io/library/debian:bookworm-slim >/dev/null 2>&1; then
    podman tag docker.io/library/debian:bookworm-slim "$BASE"
  else
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    mirror=${mirror:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)}
    mirror=${mirror:-http://deb.debian.org/debian}
    tar=$CACHE_DIR/bookworm-minbase.tar
    if [ ! -s "$tar" ]; then
      step "debootstrap --variant=minbase bookworm (no base image can be pulled here)"
      $sudo mkdir -p "$CACHE_DIR"
      $sudo debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
        || { tail -20 "$WORK/debootstrap.log"; die debootstrap; }
      printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" \
        | $sudo tee "$WORK/rootfs/etc/apt/sources.list" >/dev/null
      $sudo tar -C "$WORK/rootfs" --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' \
        -cf "$tar.tmp" . && $sudo mv "$tar.tmp" "$tar"
      $sudo rm -rf "$WORK/rootfs"
    fi
    podman import -q --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' "$tar" "$BASE" >/dev/null
  fi
fi

# --- build: --format docker keeps the HEALTHCHECK; chroot isolation gives RUN the host's network -------------
step "podman build -f docker/Dockerfile (base $BASE)"
podman build --pull=never --isolation=chroot --format docker --build-arg BASE="$BASE" -t "$IMAGE" \
  -f docker/Dockerfile . >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "podman build"; }
cfg() { podman image inspect "$IMAGE" --format "$1"; }
# What the container logged so far, in a file: `podman logs | grep -q` would fail under pipefail whenever grep
# stops reading early (the writer gets SIGPIPE).
logged() { podman logs "$NAME" >"$WORK/container.log" 2>&1 || true; grep -q -- "$1" "$WORK/container.log"; }
has() { grep -q -- "$2" <<<"$1"; }
[ "$(cfg '{{.Config.User}}')" = "1883:1883" ] || die "the image's user is $(cfg '{{.Config.User}}'), not 1883:1883"
[ "$(cfg '{{json .Config.Volumes}}')" = '{"/var/lib/ternmq":{}}' ] || die "volume $(cfg '{{json .Config.Volumes}}')"
for port in 1883/tcp 8883/tcp 14567/udp 18083/tcp; do
  has "$(cfg '{{json .Config.ExposedPorts}}')" "\"$port\"" || die "port $port is not exposed"
done
has "$(cfg '{{json .Config.Healthcheck}}')" 'entrypoint","health' || die "no HEALTHCHECK using the broker"
step "image built: $(( $(cfg '{{.Size}}') / 1048576 )) MiB, user 1883, volume /var/lib/ternmq, health check"

# --- run it: a host directory as the volume, the ports moved off the defaults (this machine may use them) ------
DATA=$WORK/data; mkdir -p "$DATA"; $sudo chown 1883:1883 "$DATA"
run() {
  podman run -d --name "$NAME" --network host -v "$DATA:/var/lib/ternmq" -e TERNMQ_HEAP=128m \
    -e TERNMQ_LISTENERS_TCP_PORT=$TCP -e TERNMQ_LISTENERS_TLS_PORT=$TLS -e TERNMQ_LISTENERS_QUIC_PORT=$QUIC \
    -e TERNMQ_LISTENERS_HTTP_PORT=$HTTP "$IMAGE" >/dev/null 2>>"$WORK/podman.err"
  # (without systemd as PID 1 podman says it cannot add a timer for the HEALTHCHECK: harmless here, kept aside)
}
ready() {
  for _ in $(seq 1 120); do
    logged "ternmq ready" && return 0
    sleep 0.5
  done
  die "the broker did not log 'ternmq ready' within 60 s"
}
step "podman run"
run
ready
logged "anonymous clients are refused" || die "the first start does not say how to sign in"
[ "$(podman top "$NAME" huser | tail -1 | tr -d ' ')" = 1883 ] || die "the broker does not run as uid 1883"
step "ternmq ready in the container, as uid 1883"

if mosquitto_pub -p $TCP -i anonymous -t a/b -m x 2>"$WORK/anon.err"; then die "an anonymous client got in"; fi
grep -qi "not authori" "$WORK/anon.err" || die "anonymous refusal: $(cat "$WORK/anon.err")"
step "anonymous client refused from outside: $(tr -d '\n' <"$WORK/anon.err")"

token=$($sudo cat "$DATA/admin-token")
created=$(curl -sS -H "Authorization: Bearer $token" -d '{"deviceName": "lamp-0001", "deviceSecret": "s3cret"}' \
  "http://127.0.0.1:$HTTP/api/v1/products/a1ci/devices")
[ "$created" = '{"productKey":"a1ci","deviceName":"lamp-0001","deviceSecret":"s3cret"}' ] || die "create: $created"
sign() { printf 'clientId%sdeviceNamelamp-0001productKeya1citimestamp1' "$1" | openssl dgst -sha256 -hmac s3cret | awk '{print $NF}'; }
id="lamp-c1"; cid="$id|securemode=3,signmethod=hmacsha256,timestamp=1|"
sub() { mosquitto_sub -p $TCP -i "$cid" -u 'lamp-0001&a1ci' -P "$(sign $id)" -q 1 -c -t '/a1ci/lamp-0001/user/#' "$@"; }
publish() {
  curl -sS -H "Authorization: Bearer $token" -d "{\"topic\": \"/a1ci/lamp-0001/user/cmd\", \"payload\": \"$1\", \"qos\": 1}" \
    "http://127.0.0.1:$HTTP/api/v1/publish"
}
sub -C 1 -W 20 >"$WORK/live.txt" &
subpid=$!
for _ in $(seq 1 40); do
  has "$(curl -sS -H "Authorization: Bearer $token" "http://127.0.0.1:$HTTP/api/v1/devices/a1ci/lamp-0001/status")" \
    ONLINE && break
  sleep 0.25
done
[ "$(publish live)" = '{"reached":1}' ] || die "publish through the API did not reach the device"
wait $subpid || die "mosquitto_sub as the device got nothing"
[ "$(cat "$WORK/live.txt")" = live ] || die "the device got '$(cat "$WORK/live.txt")'"
step "a device created through the API signed in with its HMAC and got a message: live"

podman exec "$NAME" /opt/ternmq/bin/entrypoint health >"$WORK/health.txt" 2>&1 || die "health: $(cat "$WORK/health.txt")"
podman healthcheck run "$NAME" >/dev/null 2>&1 || die "podman healthcheck run"
step "health check: $(cat "$WORK/health.txt")"

# The device's session (clean session 0) is offline now; a QoS 1 message waits for it in the store.
[ "$(publish queued)" = '{"reached":1}' ] || die "publish to the offline session"
step "podman stop (SIGTERM)"
podman stop -t 30 "$NAME" >/dev/null 2>>"$WORK/podman.err"
[ "$(podman inspect "$NAME" --format '{{.State.ExitCode}}')" = 0 ] || die "exit code $(podman inspect "$NAME" --format '{{.State.ExitCode}}') after SIGTERM"
logged "ternmq stopped" || die "no 'ternmq stopped' after SIGTERM"
podman rm "$NAME" >/dev/null
step "drained and exited 0; starting a new container on the same volume"
run
ready
sub -C 1 -W 20 >"$WORK/kept.txt" || die "the device got nothing after the restart"
[ "$(cat "$WORK/kept.txt")" = queued ] || die "after the restart the device got '$(cat "$WORK/kept.txt")'"
step "the persistent session's queued message survived the restart in the volume: queued"
podman stop -t 30 "$NAME" >/dev/null 2>>"$WORK/podman.err"

# The Testcontainers tests of the image (skipped in the Maven suite where no Docker engine runs), through
# podman's Docker-compatible API, on the same base image.
step "Testcontainers tests through podman's Docker API"
sock=$WORK/podman.sock
$sudo env CONTAINERS_CONF="$WORK/containers.conf" BUILDAH_ISOLATION=chroot podman system service --time=0 \
  "unix://$sock" >"$WORK/service.log" 2>&1 &
service=$!
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
DOCKER_HOST="unix://$sock" TESTCONTAINERS_RYUK_DISABLED=true mvn -B -q -pl docker verify \
  -Dternmq.image.base="$BASE" >"$WORK/testcontainers.log" 2>&1 || { tail -40 "$WORK/testcontainers.log"; die "Testcontainers"; }
$sudo kill "$service" 2>/dev/null || true
service=""
report=docker/target/failsafe-reports/io.ternmq.docker.DockerImageIT.txt
grep -q "Tests run: 1, Failures: 0, Errors: 0, Skipped: 0" "$report" || { cat "$report"; die "the Testcontainers test did not run"; }
step "Testcontainers: $(grep -o 'Tests run: [^-]*' "$report")"
[ "${KEEP_IMAGE:-0}" = 1 ] || podman rmi "$IMAGE" >/dev/null 2>&1 || true
step "OK: the image builds, runs, refuses anonymous clients, delivers, answers health, drains and keeps its data"
