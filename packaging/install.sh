#!/usr/bin/env bash
# Installs ternmq as a service on a Debian-like host with systemd (run as root, from a checkout after
# `mvn -B -DskipTests package`, or from an unpacked release):
#   /opt/ternmq/ternmq.jar, /opt/ternmq/bin/ternmq     the jar and the launcher
#   /etc/ternmq/ternmq.yaml                            the configuration (kept when it exists)
#   /etc/systemd/system/ternmq.service                 the unit; the system user ternmq; /var/lib/ternmq
# Then: systemctl daemon-reload && systemctl enable --now ternmq. It installs Java 17 (Debian's
# openjdk-17-jre-headless) when no java is on the PATH. PREFIX and SYSTEMD_DIR move the files (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/opt/ternmq}
ETC=${ETC:-/etc/ternmq}
SYSTEMD_DIR=${SYSTEMD_DIR:-/etc/systemd/system}
jar=${TERNMQ_JAR:-broker-server/target/ternmq.jar}
[ -f "$jar" ] || { echo "install.sh: no $jar: build it with 'mvn -B -DskipTests package'" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "install.sh: run it as root" >&2; exit 2; }

if ! command -v java >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q openjdk-17-jre-headless >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jre-headless >/dev/null; }
fi
# The unit runs with systemd's PATH, not this shell's: the java found here is written down for the launcher.
java_bin=$(readlink -f "$(command -v java)")
getent group ternmq >/dev/null || groupadd --system ternmq
getent passwd ternmq >/dev/null || useradd --system --gid ternmq --home-dir /var/lib/ternmq --no-create-home \
  --shell /usr/sbin/nologin ternmq
install -d -m 0755 "$PREFIX/bin" "$PREFIX/docs" "$ETC" "$SYSTEMD_DIR"
install -m 0644 "$jar" "$PREFIX/ternmq.jar"
install -m 0755 bin/ternmq "$PREFIX/bin/ternmq"
install -m 0644 docs/service.md docs/configuration.md docs/devices.md "$PREFIX/docs/"
[ -f "$ETC/ternmq.yaml" ] || install -m 0644 packaging/ternmq.yaml "$ETC/ternmq.yaml"
install -m 0644 packaging/systemd/ternmq.service "$SYSTEMD_DIR/ternmq.service"
defaults=${DEFAULTS:-/etc/default/ternmq}
if [ ! -f "$defaults" ]; then
  printf '# Environment of the ternmq service: the launcher (TERNMQ_HEAP=1g, ...) and TERNMQ_* configuration keys.\nJAVA=%s\n' \
    "$java_bin" >"$defaults"
elif ! grep -q '^JAVA=' "$defaults"; then
  echo "JAVA=$java_bin" >>"$defaults"
fi
install -d -m 0750 -o ternmq -g ternmq /var/lib/ternmq
echo "installed: $PREFIX/ternmq.jar, $PREFIX/bin/ternmq, $ETC/ternmq.yaml, $SYSTEMD_DIR/ternmq.service, $defaults (java $java_bin)"
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "start it with: systemctl enable --now ternmq; logs: journalctl -u ternmq"
fi
