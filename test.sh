#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs what the tests drive that Maven cannot fetch
# (Debian's mosquitto-clients and curl for the end-to-end tests, chromium, chromium-driver and firefox-esr for the
# console's browser tests, openssl for the sign-in signatures, mosquitto for mosquitto_passwd, whose files the broker reads),
# then runs `mvn -B verify`, then checks the packaging where it
# can: the Docker image built and run with podman (docker/ci-image.sh, which installs podman) and the systemd
# service installed and started as its unit would (packaging/ci-service.sh); both need root (or sudo).
# CI (.ci/run) runs exactly this. TERNMQ_SKIP_PACKAGING=1 runs the Maven suite only, and says so.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v mosquitto_passwd >/dev/null 2>&1 || need+=(mosquitto)
# the web console's browser tests: headless Chromium through Debian's chromedriver (Selenium downloads nothing)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
# and Firefox, driven over WebDriver BiDi on its own socket (Debian has no geckodriver)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  echo "test.sh: installing ${need[*]}"
  $sudo apt-get install -y "${need[@]}" || { $sudo apt-get update && $sudo apt-get install -y "${need[@]}"; }
  # The mosquitto package is here for mosquitto_passwd: the broker it enables would hold port 1883.
  if [[ " ${need[*]} " == *" mosquitto "* ]] && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now mosquitto >/dev/null 2>&1 || true
  fi
fi

mvn -B verify "$@"

if [ "${TERNMQ_SKIP_PACKAGING:-0}" = 1 ]; then
  echo "test.sh: TERNMQ_SKIP_PACKAGING=1: the image and service checks did NOT run"
  exit 0
fi
bash docker/ci-image.sh
bash packaging/ci-service.sh
