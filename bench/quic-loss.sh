#!/usr/bin/env bash
# MQTT over QUIC against MQTT over TCP on a lossy path, and QUIC through a change of the client's address, each
# inside a network namespace of its own that this script creates (root needed), so nothing else on the machine
# sees the loss.
#
#   sudo bench/quic-loss.sh [LOSS_PERCENT...]     default: 0 1 2 5, then the same-seconds runs, then the two
#                                                  migration runs, then the stream-isolation runs
#
# Loss: the namespace's loopback drops packets at random on input (iptables -m statistic --mode random
# --probability P -j DROP; the kernel here has no netem), so every packet, either way, is dropped with P.
# Load: the bench's p2p, QoS 1, PAIRS publisher/subscriber pairs (default 50) at RATE messages a second each
# (default 20: 1,000 a second in all), 16-byte payloads, for DURATION seconds (default 30) after a WARMUP-second
# warm-up (default 20) of the same load on clients and topics of its own in the same bench process (the bench's
# --warmup), so that neither JVM's JIT warm-up is measured: QUIC's client and server code take longer than TCP's to
# be compiled, and a warm-up in a separate bench process leaves the measured bench's QUIC client cold. One fresh
# broker for each run.
# Migration (no loss): the QUIC clients reach the broker through `ternmq-bench relay`, a NAT that halfway through
# the run moves every client to a new source address (127.0.0.2 to 127.0.0.3: a real address change) or to a new
# port on the same address (a NAT rebinding). Reported: messages lost and duplicated (QoS 1 must lose none and the
# broker must send none twice), p50/p99/p99.9, and the throughput dip: the lowest per-second delivery rate of the
# run and how many seconds fell under 90% of the asked rate.
#
# Together (clean path): TCP and QUIC measured in the same seconds, two bench processes at once on one broker, each
# with half the load (PAIRS/2 pairs) on client ids and topics of its own, TOGETHER times (default 3). This machine's neighbours
# swing a p99 of a few milliseconds by several times between runs taken a minute apart; at once, both transports
# see the same swings (and each other's load on the shared loops), so the ratio of their p99s is not at the mercy
# of which run a swing fell in. Read it beside the runs of one transport at a time.
#
# Stream isolation (multi-stream mode, head-of-line blocking): `ternmq-bench streams`, one QUIC subscriber of a bulk
# topic (200 x 4 KiB a second) and a probe topic (100 x 16 B a second) from a TCP publisher, with STREAM_LOSS percent
# (default 2) of UDP packets dropped (TCP is left clean, so only the subscriber's QUIC path differs): both topics on
# one stream (single), each on its own data stream (multi), the bulk stream never read (stalled), the probe alone.
# Reported: the probe's latency.
#
# Environment: DURATION, WARMUP, PAIRS, RATE, OUT (result directory, default a new /tmp directory), TERNMQ_JAR, BROKER_ENV
# (extra environment for the broker, e.g. "TERNMQ_QUIC_SOCKETS=1"), PHASES (default "loss together migration
# streams"; the loss percentages apply to the loss phase), TOGETHER, STREAM_LOSS, MIGRATIONS=0 (no migration runs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_JAR="$ROOT/bench/target/ternmq-bench.jar"
TERNMQ_JAR=${TERNMQ_JAR:-"$ROOT/broker-server/target/ternmq.jar"}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-20}
PAIRS=${PAIRS:-50}
RATE=${RATE:-20}
OUT=${OUT:-$(mktemp -d /tmp/ternmq-quic-loss.XXXXXX)}
LOSSES=("$@")
[ ${#LOSSES[@]} -eq 0 ] && LOSSES=(0 1 2 5)

[ "$(id -u)" = 0 ] || { echo "quic-loss.sh: needs root (a network namespace and iptables in it)" >&2; exit 2; }
command -v curl >/dev/null || { echo "quic-loss.sh: needs curl" >&2; exit 2; }
command -v iptables >/dev/null || { echo "quic-loss.sh: needs iptables (apt-get install iptables)" >&2; exit 2; }
for jar in "$BENCH_JAR" "$TERNMQ_JAR"; do
  [ -f "$jar" ] || { echo "quic-loss.sh: $jar is missing: mvn -B -q package -DskipTests" >&2; exit 2; }
done

NS=ternmq-loss-$$
BROKER_PID=""
cleanup() {
  [ -n "$BROKER_PID" ] && kill -KILL "$BROKER_PID" 2>/dev/null
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  true
}
trap cleanup EXIT
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
in_ns ip link set lo up
TCP_PORT=1883
QUIC_PORT=14567
RELAY_PORT=24567
HTTP_PORT=18083

# metric NAME: one value of the broker's /metrics (the namespace's own loopback; /metrics needs no token by default)
metric() {
  in_ns curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

# set_loss PERCENT [PROTOCOL]: every packet (or those of PROTOCOL only) dropped with PERCENT
set_loss() {
  in_ns iptables -F INPUT
  if [ "$1" != 0 ]; then
    in_ns iptables -A INPUT -i lo ${2:+-p "$2"} -m statistic --mode random --probability "$(awk -v p="$1" 'BEGIN { print p / 100 }')" -j DROP
  fi
}

start_broker() {
  local dir
  dir=$(mktemp -d "$OUT/broker.XXXXXX")
  # ip netns exec execs the command: $! is the broker's own pid (for --broker-pid and the stop)
  # shellcheck disable=SC2086
  ip netns exec "$NS" env -u TERNMQ_JAR ${BROKER_ENV:-} java -jar "$TERNMQ_JAR" --tcp-port "$TCP_PORT" --tls-port 0 --quic-port "$QUIC_PORT" --http-port "$HTTP_PORT" \
    --data-dir "$dir/data" >"$dir/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 300); do grep -q "ternmq ready" "$dir/broker.log" && return; sleep 0.1; done
  cat "$dir/broker.log" >&2
  exit 1
}

stop_broker() {
  kill -TERM "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  BROKER_PID=""
}

# run LABEL TRANSPORT PORT: the measured run to PORT, after a warm-up of the same load in the same bench process
# (--warmup: clients and topics of its own, not counted), so neither the broker's JIT nor the bench's is measured.
run() {
  local label=$1 transport=$2 port=$3
  echo "$(date +%T) $label (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/runs.log"
  in_ns java -jar "$BENCH_JAR" p2p --transport "$transport" --publishers "$PAIRS" --qos 1 --rate "$RATE" \
    --payload 16 --connect-rate 100 --port "$port" --warmup "${WARMUP}s" --duration "${DURATION}s" \
    --broker-pid "$BROKER_PID" --json "$OUT/$label.json" >"$OUT/$label.log" 2>&1 || { cat "$OUT/$label.log" >&2; return 1; }
}

# run_together LABEL: TCP and QUIC at once on one broker, each with half the load (PAIRS/2 pairs at RATE, on client
# ids and topics of their own: the broker carries what it carries in a run of one transport), so both are measured
# over the same seconds of this machine's noise.
run_together() {
  local label=$1
  echo "$(date +%T) $label (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/runs.log"
  local pids=()
  for transport in tcp quic; do
    local port=$TCP_PORT
    [ "$transport" = quic ] && port=$QUIC_PORT
    in_ns java -jar "$BENCH_JAR" p2p --transport "$transport" --publishers "$((PAIRS / 2))" --qos 1 --rate "$RATE" \
      --payload 16 --connect-rate 100 --port "$port" --warmup "${WARMUP}s" --duration "${DURATION}s" \
      --client-prefix "$transport" --topic-prefix "$transport" --broker-pid "$BROKER_PID" \
      --json "$OUT/$label-$transport.json" >"$OUT/$label-$transport.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { cat "$OUT/$label-"*.log >&2; return 1; }
  done
}

value() { java -jar "$BENCH_JAR" value "$1" "$2"; }

# dip LOG [PAIRS]: the lowest per-second delivery rate once the measured run publishes (the last "publishing for": the
# warm-up has one too; its first second, a partial one, and its last left out), and the seconds under 90% of the
# asked rate (of PAIRS pairs, default all).
dip() {
  awk -v want="$((${2:-$PAIRS} * RATE))" '/publishing for/ { on = 1; n = 0; next } on && /^\[ *[0-9]+s\] conn/ {
      for (i = 1; i <= NF; i++) if ($i == "in") { v = $(i + 1); gsub(/[,\/s]/, "", v); rates[n++] = v + 0 }
    }
    END {
      min = -1; under = 0
      for (i = 1; i < n - 1; i++) { if (min < 0 || rates[i] < min) min = rates[i]; if (rates[i] < 0.9 * want) under++ }
      printf "%d msg/s, %d s under 90%%", min, under
    }' "$1"
}

# row LABEL [PAIRS]: the run's line of the table
row() {
  local f="$OUT/$1.json"
  printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n" "$1" "$(value "$f" messages.received)" \
    "$(value "$f" messages.lost)" "$(value "$f" messages.duplicates)" "$(value "$f" latency_ms.p50)" \
    "$(value "$f" latency_ms.p99)" "$(value "$f" latency_ms.p99_9)" "$(dip "$OUT/$1.log" "${2:-$PAIRS}")" | tee -a "$OUT/table.md"
}

PHASES=${PHASES:-loss together migration streams}
phase() { case " $PHASES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
: >"$OUT/table.md"
phase loss || LOSSES=()
phase migration || MIGRATIONS=0
[ ${#LOSSES[@]} -gt 0 ] || [ "${MIGRATIONS:-1}" != 0 ] || phase together && {
  echo "| run | received | lost | duplicates | p50 ms | p99 ms | p99.9 ms | lowest rate |" | tee -a "$OUT/table.md"
  echo "|---|---|---|---|---|---|---|---|" | tee -a "$OUT/table.md"
}
for loss in "${LOSSES[@]}"; do
  for transport in tcp quic; do
    set_loss "$loss"
    start_broker
    port=$TCP_PORT
    [ "$transport" = quic ] && port=$QUIC_PORT
    run "loss-$loss-$transport" "$transport" "$port" >/dev/null
    stop_broker
    set_loss 0
    row "loss-$loss-$transport"
  done
done

# together: TCP and QUIC in the same seconds, TOGETHER runs of it (default 3), each with a fresh broker
for i in $(seq 1 "${TOGETHER:-3}"); do
  phase together || break
  set_loss 0
  start_broker
  run_together "together-$i"
  stop_broker
  row "together-$i-tcp" "$((PAIRS / 2))"
  row "together-$i-quic" "$((PAIRS / 2))"
  awk -v q="$(value "$OUT/together-$i-quic.json" latency_ms.p99)" -v t="$(value "$OUT/together-$i-tcp.json" latency_ms.p99)" \
    'BEGIN { if (t > 0) printf "    QUIC p99 / TCP p99 in the same seconds: %.2f\n", q / t; else print "    (no TCP p99)" }' | tee -a "$OUT/table.md"
done

# migration: halfway through, every QUIC client's packets start coming from a new address, then from a new port
# (MIGRATIONS=0 leaves them out)
[ "${MIGRATIONS:-1}" = 0 ] && MOVES=() || MOVES=(address port)
for move in "${MOVES[@]}"; do
  set_loss 0
  start_broker
  from=127.0.0.2,127.0.0.3
  [ "$move" = port ] && from=127.0.0.2
  # the relay's clock starts at the first datagram: each of the warm-up's two rounds connects for PAIRS*2/100 s,
  # loads for WARMUP/2 s and takes about a second to drain and close; then the measured run's connects
  # (PAIRS*2/100 s) and half the measured run
  ip netns exec "$NS" java -jar "$BENCH_JAR" relay --listen "127.0.0.1:$RELAY_PORT" --to "127.0.0.1:$QUIC_PORT" --from "$from" \
    --switch-after "$((PAIRS * 6 / 100 + WARMUP + 2 + DURATION / 2))s" --for "$((WARMUP + DURATION + 60))s" >"$OUT/migrate-$move.relay.log" 2>&1 &
  relay=$!
  sleep 1
  run "migrate-$move-quic" quic "$RELAY_PORT" >/dev/null
  kill "$relay" 2>/dev/null || true
  wait "$relay" 2>/dev/null || true
  migrations=$(metric ternmq_quic_migrations_total)
  stop_broker
  row "migrate-$move-quic"
  grep "relay:" "$OUT/migrate-$move.relay.log" | sed 's/^/    /'
  echo "    the broker counted ${migrations:-?} QUIC migrations (ternmq_quic_migrations_total)" | tee -a "$OUT/table.md"
done

# stream isolation: the probe's latency with the bulk topic on its stream, on another, on a stalled one, or absent
if phase streams; then
  echo | tee -a "$OUT/table.md"
  echo "stream isolation at ${STREAM_LOSS:-2}% UDP loss:" | tee -a "$OUT/table.md"
  echo "| mode | probes sent | received | p50 ms | p99 ms | p99.9 ms | max ms | bulk sent | bulk received |" | tee -a "$OUT/table.md"
  echo "|---|---|---|---|---|---|---|---|---|" | tee -a "$OUT/table.md"
  for mode in alone single multi stalled; do
    set_loss "${STREAM_LOSS:-2}" udp
    start_broker
    echo "$(date +%T) streams-$mode (load $(cut -d' ' -f1-3 /proc/loadavg))" >>"$OUT/runs.log"
    in_ns java -jar "$BENCH_JAR" streams --mode "$mode" --port "$TCP_PORT" --quic-port "$QUIC_PORT" \
      --duration "${DURATION}s" >"$OUT/streams-$mode.log" 2>&1 || { cat "$OUT/streams-$mode.log" >&2; exit 1; }
    stop_broker
    set_loss 0
    awk -v mode="$mode" '/^streams: [a-z]+: probes/ {
        gsub(/[,;]/, ""); printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mode, $5, $7, $19, $21, $23, $25, $12, $14
      }' "$OUT/streams-$mode.log" | tee -a "$OUT/table.md"
  done
fi
echo
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); results in $OUT"
