#!/usr/bin/env bash
# Checks the service packaging on this machine (root; the suite's test.sh runs it): installs with
# packaging/install.sh, verifies the unit with systemd-analyze, then starts the installed broker the way the unit
# does (the ternmq user, the launcher, /etc/ternmq/ternmq.yaml), publishes and subscribes through it, asks its
# health, and stops it with SIGTERM (exit 0). Ports are moved off the defaults, which this machine may use.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
step() { echo "ci-service: [$((SECONDS - t0)) s] $*"; }
die() { echo "ci-service: FAILED: $*" >&2; [ -f "${LOG:-}" ] && tail -20 "$LOG" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "ci-service: skipped, not root: run it with sudo" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd >/dev/null; }

packaging/install.sh
step "installed"
systemd-analyze verify /etc/systemd/system/ternmq.service 2>"/tmp/ternmq-verify.$$" \
  || { cat "/tmp/ternmq-verify.$$" >&2; die "systemd-analyze verify"; }
if grep -v -e 'Failed to connect to bus' "/tmp/ternmq-verify.$$" >"/tmp/ternmq-verify.$$.left"; then
  cat "/tmp/ternmq-verify.$$" >&2
  die "systemd-analyze verify warned"
fi
rm -f "/tmp/ternmq-verify.$$" "/tmp/ternmq-verify.$$.left"
step "systemd-analyze verify /etc/systemd/system/ternmq.service: clean"

exec_start=$(sed -n 's/^ExecStart=//p' /etc/systemd/system/ternmq.service)
user=$(sed -n 's/^User=//p' /etc/systemd/system/ternmq.service)
LOG=$(mktemp)
ports=(--tcp-port 21884 --tls-port 0 --quic-port 0 --http-port 28084)
# shellcheck disable=SC2086 # ExecStart is a command line, split as systemd splits it
# setpriv execs (no child to forward signals to): the PID is the launcher's, then the JVM's. The environment is
# what the unit gives it: systemd's PATH and /etc/default/ternmq, not this shell's.
service_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/ternmq)
while IFS= read -r line; do
  [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && service_env+=("$line")
done </etc/default/ternmq
setpriv --reuid="$user" --regid="$user" --init-groups env -i "${service_env[@]}" \
  $exec_start "${ports[@]}" >"$LOG" 2>&1 &
pid=$!
for _ in $(seq 1 120); do grep -q "ternmq ready" "$LOG" && break; kill -0 $pid 2>/dev/null || die "it exited"; sleep 0.5; done
grep -q "ternmq ready" "$LOG" || die "no 'ternmq ready' within 60 s"
[ "$(ps -o user= -p $pid | tr -d ' ')" = "$user" ] || die "not running as $user"
step "the installed broker is ready, as $user, data in /var/lib/ternmq"

mosquitto_sub -p 21884 -t ci/service -C 1 -W 15 >"$LOG.sub" &
sub=$!
sleep 1
mosquitto_pub -p 21884 -t ci/service -q 1 -m "through the service"
wait $sub || die "mosquitto_sub got nothing"
[ "$(cat "$LOG.sub")" = "through the service" ] || die "got '$(cat "$LOG.sub")'"
step "mosquitto_pub to mosquitto_sub through it: $(cat "$LOG.sub")"

setpriv --reuid="$user" --regid="$user" --init-groups env -i "${service_env[@]}" /opt/ternmq/bin/ternmq health --config /etc/ternmq/ternmq.yaml --http-port 28084 \
  || die "health"
kill -TERM $pid
wait $pid && code=0 || code=$?
[ "$code" = 0 ] || die "exit code $code after SIGTERM"
grep -q "ternmq stopped" "$LOG" || die "no 'ternmq stopped'"
rm -f "$LOG" "$LOG.sub"
step "OK: installed, the unit verifies, the broker runs as the unit runs it, delivers, answers health, stops with 0"
