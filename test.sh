#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs what the tests drive that Maven cannot fetch
# (Debian's mosquitto-clients and curl for the end-to-end tests, openssl for the sign-in signatures, mosquitto for
# mosquitto_passwd, whose files the broker reads), then runs `mvn -B verify`. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v mosquitto_passwd >/dev/null 2>&1 || need+=(mosquitto)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  echo "test.sh: installing ${need[*]}"
  $sudo apt-get install -y "${need[@]}" || { $sudo apt-get update && $sudo apt-get install -y "${need[@]}"; }
fi

exec mvn -B verify "$@"
