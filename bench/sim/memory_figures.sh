#!/usr/bin/env bash
# Measures the per-unit memory costs that sim/src/memory_estimate.cpp adds up (kCosts,
# kPerMessage): peak RSS (`/usr/bin/time -f %M`) of the real `iomtsim` commands on
# scenarios that differ in one thing only, and the slope between them.
#
#   bash bench/sim/memory_figures.sh [build/cli/iomtsim] [N]
#
# N patients (default 2000) with 1 or 3 bedside monitors (three vitals every 15 min in
# batches of three, 18 h, so every device's trigger ring of 64 readings fills), 2N with
# one; then 2000 devices against a target that accepts connections and never answers, to
# count what each message in flight costs. Prints bytes per patient, per device and per
# message for generate, run and simulate. Not run by ctest (a shared machine's RSS is
# noisy); rerun it after changing what a patient, a device or a message holds.
set -euo pipefail
BIN="${1:-build/cli/iomtsim}"
N="${2:-2000}"
DIR="$(mktemp -d /tmp/iomtsim-memory-XXXXXX)"
trap 'kill ${STALL_PID:-} 2>/dev/null || true; rm -rf "$DIR"' EXIT

scenario() {  # name patients devices_per_patient speed every duration [target-yaml]
  local devices="" i
  for ((i = 0; i < $3; i++)); do
    devices+="      - {type: bedside_monitor, name: m$i, measures: [heart_rate, spo2, resp_rate], every: $5, batch: 3, artifacts: false}"$'\n'
  done
  cat > "$DIR/$1.yaml" <<EOF
metadata: {name: $1, duration: $6, seed: 1}
time: {mode: accelerated, speed: $4}
cohorts:
  - name: ward
    count: $2
    archetype: healthy_adult
    devices:
$devices${7:-}
EOF
}

peak_kib() {  # command... -> peak RSS in KiB
  /usr/bin/time -f "%M" -o "$DIR/rss" "$@" > /dev/null 2>&1 || true
  tail -1 "$DIR/rss"
}

# 72 readings per device (the trigger rings fill), at a pace the run keeps up with, so
# the figures are the fleet's and not a backlog's.
scenario a "$N" 1 1200 "15 min" 18h
scenario b "$N" 3 1200 "15 min" 18h
scenario c "$((2 * N))" 1 1200 "15 min" 18h
for cmd in generate run simulate; do
  case $cmd in
    generate) args=(--out /dev/null --max-memory 0) ;;
    run) args=(--no-report --progress none --threads 2 --max-memory 0) ;;
    simulate) args=(--out "$DIR/sim" --quiet --max-memory 0) ;;
  esac
  a=$(peak_kib "$BIN" $cmd "$DIR/a.yaml" "${args[@]}")
  b=$(peak_kib "$BIN" $cmd "$DIR/b.yaml" "${args[@]}")
  c=$(peak_kib "$BIN" $cmd "$DIR/c.yaml" "${args[@]}")
  per_device=$(( (b - a) * 1024 / (2 * N) ))
  per_patient=$(( (c - a) * 1024 / N - per_device ))
  base=$(( a * 1024 - N * (per_patient + per_device) ))
  echo "$cmd: peak RSS ${a} / ${b} / ${c} KiB -> per patient ${per_patient} B, per device ${per_device} B, base $((base >> 20)) MiB"
done

# Messages in flight: a listener that accepts and never answers holds every request
# until its timeout (60 s here, longer than the run), against the same fleet sending to
# a target that answers. 2000 devices, one message a second each, for 20 s: 40,000.
python3 - "$DIR/port" <<'EOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4096)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
EOF
STALL_PID=$!
while [ ! -s "$DIR/port" ]; do sleep 0.1; done
PORT=$(cat "$DIR/port")
stalled="target: {embedded: false, http: \"127.0.0.1:$PORT\", request_timeout: 60s}"
scenario busy 2000 1 1 "1 s" 20s
scenario stall 2000 1 1 "1 s" 20s "$stalled"
answered=$(peak_kib "$BIN" run "$DIR/busy.yaml" --no-report --progress none --threads 2 --max-memory 0)
held=$(peak_kib "$BIN" run "$DIR/stall.yaml" --no-report --progress none --threads 2 --max-memory 0)
echo "run: 40,000 messages in flight: peak RSS ${held} KiB vs ${answered} KiB answered -> per message $(( (held - answered) * 1024 / 40000 )) B"
