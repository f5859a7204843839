#!/usr/bin/env bash
# ternmq against Mosquitto, the same scenario against each in turn, on this machine, in one run.
#
#   bench/compare.sh [SCENARIO...]        default: p2p-sweep p2p-latency fanout fanin conn tls quic
#
# Scenarios (docs/performance.md has the exact bench command behind each):
#   p2p-sweep    1,000 publishers -> 1,000 subscribers, QoS 1, 16 bytes: the highest total rate with no loss,
#                p99 under 100 ms and at least 95% of the asked rate published
#   p2p-latency  the same at half of Mosquitto's highest p2p rate (run after p2p-sweep, or set P2P_LATENCY_RATE
#                to a rate per publisher)
#   fanout       1 publisher -> 1,000 subscribers, QoS 0, 16 bytes, 1,000 messages per second: a million
#                deliveries per second asked, more than either broker delivers here; the warm-up asks 50 a second
#   fanin        1,000 publishers -> one shared subscription group ($share/bench/...) of 4 members, QoS 1
#   conn         20,000 idle connections opened at 2,000 per second from 127.0.0.2-127.0.0.5: connect latency
#                and broker memory per connection
#   tls          MQTT over TLS: 2,000 connections at 500 per second, then p2p QoS 1 at 200 publishers
#   quic         ternmq alone (Mosquitto has no QUIC): the tls scenario's load over QUIC against the same over TCP
#   pub          ingest: 20 publishers, QoS 0, 16 bytes, as fast as each broker takes them, nobody subscribed
#   fuzz         FUZZ_CASES (default 1,000,000) hostile packets (ternmq-bench fuzz): closed / answered / hung, and
#                the broker's memory during the run; not in the default list (it takes minutes)
#   durability   ternmq alone: p2p QoS 1 between 1,000 persistent publishers and subscribers, as fast as it goes and
#                at 10 messages a second each, under storage.durability memory, async and sync, each broker fresh,
#                twice; not in the default list
#   api          ternmq alone: p2p QoS 1 at 10 messages a second per publisher with the admin API off, and on with
#                /metrics scraped every second, in turn, API_ROUNDS times (default 3): the broker's CPU per
#                message in each; not in the default list
#   signin       ternmq alone, one broker for the whole scenario (providers device,password-file,anonymous):
#                connections per second (ternmq-bench churn: CONNECT, CONNACK, DISCONNECT, SIGNIN_CONCURRENCY
#                clients at once, default 100) signed in three ways in turn: anonymous; as registered devices
#                (SIGNIN_DEVICES, default 10,000, imported first through the admin API's CSV import with the
#                admin token, then each signing in the Link SDK's way with hmacsha256); as a user of a password
#                file made with `ternmq.jar passwd -b` before the start. SIGNIN_ROUNDS (default 1) times; not in
#                the default list
#
# Each broker is started fresh for each scenario on a free loopback port (Mosquitto with a generated config:
# persistence off, max_queued_messages 10000 and max_inflight_messages 32 as ternmq's defaults, one listener,
# anonymous clients allowed, TCP_NODELAY on as ternmq has it) and stopped after it. Before each measured run the same load runs for WARMUP
# seconds (default 5) against the same broker, for both brokers alike (on topics of its own; conn has none). Broker CPU seconds come from
# /proc/PID/stat (utime + stime) during the measured run; peak RSS from VmHWM.
#
# Environment: DURATION (measured seconds per run, default 15), WARMUP (default 5), SWEEP_RATES (messages per
# second per publisher, default "5 10 15 20 25 30 40"), OUT (result directory, default a new /tmp directory),
# JAVA_OPTS (for the ternmq JVM, default none: the JVM's own defaults, as a user gets them).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_JAR="$ROOT/bench/target/ternmq-bench.jar"
TERNMQ_JAR=${TERNMQ_JAR:-"$ROOT/broker-server/target/ternmq.jar"}   # another build's jar, for a before/after run
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
SWEEP_RATES=${SWEEP_RATES:-"5 10 15 20 25 30 40"}
OUT=${OUT:-$(mktemp -d /tmp/ternmq-compare.XXXXXX)}
JAVA_OPTS=${JAVA_OPTS:-}
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(p2p-sweep p2p-latency fanout fanin conn tls quic)

# 20,000 connections need 20,000 descriptors in the bench and in the broker (both inherit this limit). Where
# the hard limit is lower (a container without CAP_SYS_RESOURCE), conn opens what fits under it and says so.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
CONNECTIONS=20000
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS + 500)) ]; then
  CONNECTIONS=$(( $(ulimit -n) - 500 ))
  echo "open files limited to $(ulimit -n) here: conn opens $CONNECTIONS connections instead of 20,000" >&2
fi

for jar in "$BENCH_JAR" "$TERNMQ_JAR"; do
  [ -f "$jar" ] || { echo "missing $jar: run 'mvn -B -DskipTests package' first" >&2; exit 2; }
done
if ! command -v mosquitto >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y mosquitto >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y mosquitto >/dev/null; }
fi
mkdir -p "$OUT"
echo "results in $OUT"

BROKER_PID=""
BROKER_PORT=""
BROKER_TLS_PORT=""
BROKER_QUIC_PORT=0
BROKER_DIR=""

bench() { timeout 300 java -jar "$BENCH_JAR" "$@"; }
value() { java -jar "$BENCH_JAR" value "$1" "$2"; }

# Below the kernel's ephemeral range (32768 and up by default), where a client socket of an earlier run may still
# hold the port and make the broker's exclusive bind fail.
free_port() {
  local p
  while true; do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

# start_broker NAME [tls|quic]: a fresh broker; sets BROKER_PID, BROKER_PORT (and BROKER_TLS_PORT with tls,
# BROKER_QUIC_PORT with quic, which only ternmq serves). Only the listener the scenario uses is on.
start_broker() {
  local name=$1 tls="" dir
  [ "${2:-}" = tls ] && tls=tls
  BROKER_QUIC_PORT=0
  [ "${2:-}" = quic ] && BROKER_QUIC_PORT=$((20000 + RANDOM % 12000))
  dir=$(mktemp -d "$OUT/$name-broker.XXXXXX")
  BROKER_DIR=$dir
  BROKER_PORT=$(free_port)
  BROKER_TLS_PORT=0
  while [ -n "$tls" ] && { [ "$BROKER_TLS_PORT" = 0 ] || [ "$BROKER_TLS_PORT" = "$BROKER_PORT" ]; }; do
    BROKER_TLS_PORT=$(free_port)
  done
  if [ "$name" = ternmq ]; then
    # shellcheck disable=SC2086
    env -u TERNMQ_JAR ${BROKER_ENV:-} java $JAVA_OPTS -jar "$TERNMQ_JAR" --tcp-port "$BROKER_PORT" --tls-port "$BROKER_TLS_PORT" \
      --quic-port "$BROKER_QUIC_PORT" --http-port "${BROKER_HTTP_PORT:-0}" --data-dir "$dir/data" >"$dir/broker.log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 1 150); do grep -q "ternmq ready" "$dir/broker.log" && break; sleep 0.1; done
    grep -q "ternmq ready" "$dir/broker.log" || { cat "$dir/broker.log" >&2; exit 1; }
  else
    {
      echo "per_listener_settings false"
      echo "user root"   # started as root it would switch to user mosquitto, who cannot read this directory
      if [ -n "$tls" ]; then
        echo "listener $BROKER_TLS_PORT 127.0.0.1"
        echo "certfile $TLS_CERT"
        echo "keyfile $TLS_KEY"
      else
        echo "listener $BROKER_PORT 127.0.0.1"
      fi
      echo "allow_anonymous true"
      echo "persistence false"
      echo "max_queued_messages 10000"
      echo "max_inflight_messages 32"
      echo "set_tcp_nodelay true"   # ternmq sets TCP_NODELAY too; Nagle would add delayed-ACK waits to Mosquitto's latency
      echo "log_dest file $dir/mosquitto.log"
      echo "log_type error"
      echo "log_type warning"
    } >"$dir/mosquitto.conf"
    mosquitto -c "$dir/mosquitto.conf" >"$dir/broker.log" 2>&1 &
    BROKER_PID=$!
    if [ -n "$tls" ]; then wait_port "$BROKER_TLS_PORT"; else wait_port "$BROKER_PORT"; fi
  fi
}

stop_broker() {
  kill -TERM "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}
trap '[ -n "$BROKER_PID" ] && kill -KILL "$BROKER_PID" 2>/dev/null; true' EXIT

# measure NAME LABEL BENCH-ARGS...: warm-up, then the measured run into $OUT/LABEL-NAME.json, on the running broker.
measure() {
  echo "$(date +%T) $1 $2 (load $(cut -d" " -f1-3 /proc/loadavg))" >>"$OUT/runs.log"
  local name=$1 label=$2; shift 2
  local port=$BROKER_PORT
  [ "$BROKER_TLS_PORT" != 0 ] && port=$BROKER_TLS_PORT
  [ "$BROKER_QUIC_PORT" != 0 ] && port=$BROKER_QUIC_PORT
  if [ "$WARMUP" != 0 ]; then
    # Its own topics and client ids, so nothing it left on the way reaches the measured run's subscribers.
    # shellcheck disable=SC2086
    bench "$@" --port "$port" --duration "${WARMUP}s" --client-prefix warm --topic-prefix warm ${WARMUP_ARGS:-} \
      --quiet >"$OUT/$label-$name.warmup.log" 2>&1 || true
  fi
  bench "$@" --port "$port" --duration "${DURATION}s" --broker-pid "$BROKER_PID" \
    --json "$OUT/$label-$name.json" --quiet >"$OUT/$label-$name.log" 2>&1 || { cat "$OUT/$label-$name.log" >&2; return 1; }
}

table() {
  echo
  echo "load average before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "## $1"
  echo
  java -jar "$BENCH_JAR" table "$OUT/$1-ternmq.json" "$OUT/$1-mosquitto.json" ternmq mosquitto | tee "$OUT/$1.table"
}

# the same scenario against each broker in turn, each broker fresh
compare() {
  local label=$1; shift
  for name in ternmq mosquitto; do
    start_broker "$name"
    measure "$name" "$label" "$@"
    stop_broker
  done
  table "$label"
}

P2P=(p2p --publishers 1000 --qos 1 --payload 16 --connect-rate 1000)

# sustained FILE RATE_PER_PUBLISHER: no loss, p99 under 100 ms, at least 95% of the asked rate published.
sustained() {
  local lost p99 rate
  lost=$(value "$1" messages.lost); p99=$(value "$1" latency_ms.p99); rate=$(value "$1" messages.publish_rate)
  awk -v l="$lost" -v p="$p99" -v r="$rate" -v want="$2" 'BEGIN { exit !(l == 0 && p >= 0 && p < 100 && r >= 0.95 * want * 1000) }'
}

p2p_sweep() {
  for name in ternmq mosquitto; do
    start_broker "$name"
    local best=0 best_rate=0
    for r in $SWEEP_RATES; do
      measure "$name" "p2p-sweep-$r" "${P2P[@]}" --rate "$r"
      if ! sustained "$OUT/p2p-sweep-$r-$name.json" "$r"; then
        # The machine is shared: one noisy neighbour must not end the sweep, so a failed rate gets a second try.
        echo "$name p2p rate $r/s per publisher: not sustained on the first try (load: $(cut -d' ' -f1-3 /proc/loadavg)), trying again"
        measure "$name" "p2p-sweep-$r" "${P2P[@]}" --rate "$r"
      fi
      local got
      got=$(value "$OUT/p2p-sweep-$r-$name.json" messages.publish_rate)
      if sustained "$OUT/p2p-sweep-$r-$name.json" "$r"; then
        best=$r; best_rate=$got
        echo "$name p2p rate $r/s per publisher: sustained ($got msg/s, p99 $(value "$OUT/p2p-sweep-$r-$name.json" latency_ms.p99) ms)"
      else
        echo "$name p2p rate $r/s per publisher: NOT sustained ($got msg/s, lost $(value "$OUT/p2p-sweep-$r-$name.json" messages.lost), p99 $(value "$OUT/p2p-sweep-$r-$name.json" latency_ms.p99) ms)"
        break
      fi
    done
    echo "$best $best_rate" >"$OUT/p2p-sweep-$name.best"
    stop_broker
  done
  echo
  echo "## p2p-sweep: highest sustained rate (1,000 publishers, QoS 1)"
  echo
  local t m
  t=$(cat "$OUT/p2p-sweep-ternmq.best"); m=$(cat "$OUT/p2p-sweep-mosquitto.best")
  awk -v t="$t" -v m="$m" 'BEGIN { split(t, a, " "); split(m, b, " ");
    printf "| | ternmq | mosquitto | ternmq/mosquitto |\n|---|---:|---:|---:|\n";
    printf "| highest sustained rate per publisher | %d/s | %d/s | %s |\n", a[1], b[1], (b[1] > 0 ? sprintf("%.2f", a[1] / b[1]) : "-");
    printf "| messages per second at that rate | %.0f | %.0f | %s |\n", a[2], b[2], (b[2] > 0 ? sprintf("%.2f", a[2] / b[2]) : "-") }' \
    | tee "$OUT/p2p-sweep.table"
}

# durability: ternmq alone, p2p QoS 1 between 1,000 persistent publishers and subscribers (--clean false) under
# storage.durability memory, async and sync, each broker fresh, DURABILITY_ROUNDS times (default 2) in turn: first
# as fast as each mode takes it (--rate 0: every publisher keeps its in-flight window full), then at a fixed
# DURABILITY_RATE messages a second per publisher (default 10) for what a message costs in latency and CPU.
durability_scenario() {
  local rounds=${DURABILITY_ROUNDS:-2} rate=${DURABILITY_RATE:-10} round mode
  for round in $(seq 1 "$rounds"); do
    for mode in memory async sync; do
      BROKER_ENV="TERNMQ_STORAGE_DURABILITY=$mode" start_broker ternmq
      measure "$mode" "durability-max-$round" p2p --publishers 1000 --qos 1 --payload 16 --connect-rate 1000 \
        --rate 0 --clean false
      measure "$mode" "durability-rate-$round" p2p --publishers 1000 --qos 1 --payload 16 --connect-rate 1000 \
        --rate "$rate" --clean false --client-prefix fixed --topic-prefix fixed
      stop_broker
    done
  done
  echo
  echo "load average before the tables: $(cut -d' ' -f1-3 /proc/loadavg)"
  durability_table max "as fast as it goes" "$rounds"
  durability_table rate "at $rate messages a second per publisher" "$rounds"
}

# durability_table KIND TITLE ROUNDS: one row per round and mode, the rate against memory's in the same round.
durability_table() {
  local kind=$1 title=$2 rounds=$3 round mode f m
  echo
  echo "## durability ($kind): p2p QoS 1 between 1,000 persistent publishers and subscribers, $title"
  echo
  {
    echo "| round | storage.durability | msg/s | against memory | lost | p50 / p99 ms | broker CPU s | CPU µs per message |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    for round in $(seq 1 "$rounds"); do
      m=$(value "$OUT/durability-$kind-$round-memory.json" messages.publish_rate)
      for mode in memory async sync; do
        f="$OUT/durability-$kind-$round-$mode.json"
        awk -v round="$round" -v mode="$mode" -v r="$(value "$f" messages.publish_rate)" -v m="$m" \
          -v lost="$(value "$f" messages.lost)" -v p50="$(value "$f" latency_ms.p50)" \
          -v p99="$(value "$f" latency_ms.p99)" -v cpu="$(value "$f" broker.cpu_seconds)" \
          -v n="$(value "$f" messages.published)" 'BEGIN {
            printf "| %d | %s | %.0f | %s | %d | %.2f / %.1f | %.2f | %s |\n", round, mode, r,
              (m > 0 ? sprintf("%.2f", r / m) : "-"), lost, p50, p99, cpu, (n > 0 ? sprintf("%.0f", cpu * 1e6 / n) : "-") }'
      done
    done
  } | tee "$OUT/durability-$kind.table"
}

# api: ternmq alone, p2p QoS 1 between 1,000 publishers and subscribers at API_RATE messages a second each (default
# 10), with the admin API off and then on with curl scraping /metrics every second (after 300 scrapes at start, so
# the scrape is compiled before the measured run), API_ROUNDS times (default 3) in turn, each broker fresh: the
# broker's CPU per message with and without the API in the same run.
api_scenario() {
  local rounds=${API_ROUNDS:-3} rate=${API_RATE:-10} round mode scraper f off on
  for round in $(seq 1 "$rounds"); do
    for mode in off on; do
      scraper=""
      BROKER_HTTP_PORT=0
      [ "$mode" = on ] && BROKER_HTTP_PORT=$(free_port)
      start_broker ternmq
      if [ "$mode" = on ]; then
        # 300 scrapes first, so the JIT has compiled the scrape before the measured run: its one-time cost is not
        # a cost per message. Then one scrape a second, as a Prometheus server would.
        curl -s "http://127.0.0.1:$BROKER_HTTP_PORT/metrics?[1-300]" >/dev/null
        ( while :; do curl -s -o /dev/null "http://127.0.0.1:$BROKER_HTTP_PORT/metrics"; sleep 1; done ) &
        scraper=$!
      fi
      measure "api-$mode" "api-$round" p2p --publishers 1000 --qos 1 --payload 16 --connect-rate 1000 --rate "$rate"
      if [ -n "$scraper" ]; then
        kill "$scraper" 2>/dev/null || true
        wait "$scraper" 2>/dev/null || true
      fi
      stop_broker
      BROKER_HTTP_PORT=0
    done
  done
  # What one scrape costs the broker on its own, in CPU: 1,000 scrapes on one connection after 300 to warm up.
  BROKER_HTTP_PORT=$(free_port)
  start_broker ternmq
  curl -s "http://127.0.0.1:$BROKER_HTTP_PORT/metrics?[1-300]" >/dev/null
  local before after
  before=$(awk '{ print $14 + $15 }' "/proc/$BROKER_PID/stat")
  curl -s "http://127.0.0.1:$BROKER_HTTP_PORT/metrics?[1-1000]" >/dev/null
  after=$(awk '{ print $14 + $15 }' "/proc/$BROKER_PID/stat")
  stop_broker
  BROKER_HTTP_PORT=0
  echo
  echo "one /metrics scrape costs the idle broker $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", t / hz }') ms of CPU (1,000 scrapes after 300 to warm up)" | tee "$OUT/api-scrape.txt"
  echo
  echo "## api: p2p QoS 1, 1,000 publishers at $rate msg/s each, admin API off against on with /metrics scraped every second"
  echo
  {
    echo "| round | admin API | msg/s | lost | p50 / p99 ms | broker CPU s | CPU µs per message | on against off |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    for round in $(seq 1 "$rounds"); do
      off=$(awk -v c="$(value "$OUT/api-$round-api-off.json" broker.cpu_seconds)" \
        -v n="$(value "$OUT/api-$round-api-off.json" messages.published)" 'BEGIN { print c * 1e6 / n }')
      for mode in off on; do
        f="$OUT/api-$round-api-$mode.json"
        awk -v round="$round" -v mode="$mode" -v r="$(value "$f" messages.publish_rate)" \
          -v lost="$(value "$f" messages.lost)" -v p50="$(value "$f" latency_ms.p50)" \
          -v p99="$(value "$f" latency_ms.p99)" -v cpu="$(value "$f" broker.cpu_seconds)" \
          -v n="$(value "$f" messages.published)" -v off="$off" 'BEGIN {
            per = cpu * 1e6 / n
            printf "| %d | %s | %.0f | %d | %.2f / %.1f | %.2f | %.1f | %s |\n", round, mode, r, lost, p50, p99, cpu,
              per, (mode == "on" ? sprintf("%+.1f%%", (per / off - 1) * 100) : "") }'
      done
    done
  } | tee "$OUT/api.table"
}

# signin: ternmq alone, one broker for all of it, with the providers device,password-file,anonymous: connections per
# second under churn (every client connects, gets its CONNACK, disconnects and starts again) for three sign-ins in
# turn: anonymous, devices (imported through the admin API before the runs; the Link SDK's hmacsha256 signature)
# and a password file's user ($7$, PBKDF2-SHA512 at 10,000 iterations, written by ternmq passwd before the start).
# The broker's CPU per connection is its CPU seconds during the measured run over the CONNACKs in it.
signin_scenario() {
  local concurrency=${SIGNIN_CONCURRENCY:-100} devices=${SIGNIN_DEVICES:-10000} rounds=${SIGNIN_ROUNDS:-1}
  local dir created round mode f base token
  dir=$(mktemp -d "$OUT/signin.XXXXXX")
  java -jar "$TERNMQ_JAR" passwd -b "$dir/passwd" bench bench-password >/dev/null
  awk -v n="$devices" 'BEGIN { srand(); for (i = 0; i < n; i++) { s = "";
      for (j = 0; j < 4; j++) s = s sprintf("%08x", int(rand() * 4294967296)); printf "churn-%06d,%s\n", i, s } }' \
    >"$dir/devices.csv"
  BROKER_HTTP_PORT=$(free_port)
  BROKER_ENV="TERNMQ_AUTH_PROVIDERS=device,password-file,anonymous TERNMQ_AUTH_PASSWORD_FILE=$dir/passwd" \
    start_broker ternmq
  token=$(cat "$BROKER_DIR/data/admin-token")
  created=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary @"$dir/devices.csv" \
    "http://127.0.0.1:$BROKER_HTTP_PORT/api/v1/products/bench/devices:import" | grep -o '"created":[0-9]*' | cut -d: -f2)
  if [ "${created:-0}" != "$devices" ]; then
    echo "the device import created ${created:-nothing}, not $devices devices" >&2
    stop_broker
    return 1
  fi
  echo "$devices devices imported; password file $dir/passwd"
  for round in $(seq 1 "$rounds"); do
    for mode in anonymous device password; do
      local args=(churn --concurrency "$concurrency" --sign-in "$mode")
      case $mode in
        device) args+=(--product-key bench --devices "$dir/devices.csv") ;;
        password) args+=(--username bench --password bench-password) ;;
      esac
      measure "$mode" "signin-$round" "${args[@]}"
    done
  done
  stop_broker
  BROKER_HTTP_PORT=0
  echo
  echo "load average before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "## signin: connections per second by sign-in (churn, $concurrency clients at once, one ternmq run)"
  echo
  {
    echo "| round | sign-in | connections/s | against anonymous | connect p50 / p99 ms | refused | errors | broker CPU s | broker CPU µs per connection |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    for round in $(seq 1 "$rounds"); do
      base=$(value "$OUT/signin-$round-anonymous.json" connections.connect_rate)
      for mode in anonymous device password; do
        f="$OUT/signin-$round-$mode.json"
        awk -v round="$round" -v mode="$mode" -v r="$(value "$f" connections.connect_rate)" -v base="$base" \
          -v p50="$(value "$f" connect_ms.p50)" -v p99="$(value "$f" connect_ms.p99)" \
          -v refused="$(value "$f" connections.refused)" -v errors="$(value "$f" connections.errors)" \
          -v cpu="$(value "$f" broker.cpu_seconds)" -v n="$(value "$f" connections.connected)" 'BEGIN {
            printf "| %d | %s | %.0f | %s | %.2f / %.2f | %d | %d | %.2f | %s |\n", round, mode, r,
              (base > 0 ? sprintf("%.2f", r / base) : "-"), p50, p99, refused, errors, cpu,
              (n > 0 ? sprintf("%.0f", cpu * 1e6 / n) : "-") }'
      done
    done
  } | tee "$OUT/signin.table"
}

p2p_latency() {
  local rate=${P2P_LATENCY_RATE:-}
  if [ -z "$rate" ]; then
    [ -f "$OUT/p2p-sweep-mosquitto.best" ] || { echo "p2p-latency needs p2p-sweep first, or P2P_LATENCY_RATE" >&2; return 1; }
    rate=$(awk '{ r = $1 / 2; print (r < 1 ? 1 : r) }' "$OUT/p2p-sweep-mosquitto.best")
  fi
  echo "p2p-latency at $rate messages/s per publisher"
  compare p2p-latency "${P2P[@]}" --rate "$rate"
}

tls_scenario() {
  # Mosquitto serves the certificate ternmq generates, so both do the same handshake.
  local certdir
  certdir=$(mktemp -d "$OUT/tls-cert.XXXXXX")
  start_broker ternmq tls
  cp "$BROKER_DIR/data/tls/ternmq-cert.pem" "$BROKER_DIR/data/tls/ternmq-key.pem" "$certdir/"
  stop_broker
  TLS_CERT=$certdir/ternmq-cert.pem
  TLS_KEY=$certdir/ternmq-key.pem
  for name in ternmq mosquitto; do
    start_broker "$name" tls
    WARMUP=0 measure "$name" tls-conn conn --transport tls --connections 2000 --connect-rate 500
    measure "$name" tls-p2p p2p --transport tls --publishers 200 --qos 1 --rate 20 --connect-rate 500
    stop_broker
  done
  table tls-conn
  table tls-p2p
}

quic_scenario() {
  # Mosquitto has no QUIC: ternmq over QUIC against ternmq over TCP, under the tls scenario's load.
  for transport in tcp quic; do
    start_broker ternmq "$transport"
    WARMUP=0 measure ternmq "quic-conn-$transport" conn --transport "$transport" --connections 2000 --connect-rate 500
    measure ternmq "quic-p2p-$transport" p2p --transport "$transport" --publishers 200 --qos 1 --rate 20 \
      --connect-rate 500
    stop_broker
  done
  for label in quic-conn quic-p2p; do
    echo
    echo "load average before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "## $label (ternmq over QUIC and over TCP)"
    echo
    java -jar "$BENCH_JAR" table "$OUT/$label-quic-ternmq.json" "$OUT/$label-tcp-ternmq.json" quic tcp \
      | tee "$OUT/$label.table"
  done
}

# fuzz: the same cases against each broker; what it printed goes next to the JSON.
fuzz_scenario() {
  local cases=${FUZZ_CASES:-1000000}
  for name in ternmq mosquitto; do
    start_broker "$name"
    echo "$(date +%T) $name fuzz $cases cases (load $(cut -d" " -f1-3 /proc/loadavg))" >>"$OUT/runs.log"
    timeout 3600 java -jar "$BENCH_JAR" fuzz --port "$BROKER_PORT" --cases "$cases" --pid "$BROKER_PID" \
      --json "$OUT/fuzz-$name.json" --quiet | tee "$OUT/fuzz-$name.log"
    stop_broker
  done
}

for s in "${SCENARIOS[@]}"; do
  case "$s" in
    p2p-sweep) p2p_sweep ;;
    p2p-latency) p2p_latency ;;
    fanout) WARMUP_ARGS="--rate 50" compare fanout fanout --subscribers 1000 --qos 0 --payload 16 --rate 1000 \
              --connect-rate 1000 ;;
    fanin) compare fanin fanin --publishers 1000 --subscribers 4 --qos 1 --payload 16 --rate 20 --connect-rate 1000 ;;
    conn) WARMUP=0 compare conn conn --connections "$CONNECTIONS" --connect-rate 2000 --keepalive 300 \
            --ifaddr 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 ;;
    tls) tls_scenario ;;
    quic) quic_scenario ;;
    pub) compare pub pub --publishers 20 --qos 0 --payload 16 --rate 0 --connect-rate 100 ;;
    fuzz) fuzz_scenario ;;
    durability) durability_scenario ;;
    api) api_scenario ;;
    signin) signin_scenario ;;
    *) echo "unknown scenario $s (p2p-sweep p2p-latency fanout fanin conn tls quic pub fuzz durability api signin)" >&2; exit 2 ;;
  esac
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(java -version 2>&1 | head -1); $(mosquitto -h 2>/dev/null | head -1); results in $OUT"
