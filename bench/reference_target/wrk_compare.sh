#!/usr/bin/env bash
# What the target's own processing costs: wrk POSTing FHIR Observations over keep-alive
# HTTP at (1) a minimal Beast server that only answers 201 and (2) the reference target,
# one after the other in one run, each server pinned to CPU 0 and wrk to CPU 1 (when
# taskset and two CPUs are there). Prints both rates and their ratio.
#
#   bench/reference_target/wrk_compare.sh [build_dir=build] [duration=10s] [connections=16]
#
# Needs wrk (Debian package) and the bench binaries:
#   cmake --build build --target iomtsim_minimal_beast_server iomtsim
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build}"
duration="${2:-10s}"
connections="${3:-16}"
minimal="$build/bench/reference_target/iomtsim_minimal_beast_server"
iomtsim="$build/cli/iomtsim"  # the reference target is `iomtsim target`
for bin in "$minimal" "$iomtsim"; do
  [[ -x "$bin" ]] || { echo "missing $bin (build the bench targets first)" >&2; exit 2; }
done
command -v wrk > /dev/null || { echo "wrk is not installed" >&2; exit 2; }

server_cpu=() client_cpu=()
if command -v taskset > /dev/null && [[ "$(nproc)" -ge 2 ]]; then
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT

# Starts a server that prints {"http_port":N,…} on its first stdout line; sets $port.
start_server() {
  local out
  out="$(mktemp)"
  "${server_cpu[@]}" "$@" > "$out" &
  pids+=($!)
  for _ in $(seq 1 100); do
    if grep -q http_port "$out"; then break; fi
    sleep 0.1
  done
  port="$(sed -n 's/.*"http_port":\([0-9]*\).*/\1/p' "$out" | head -1)"
  rm -f "$out"
  [[ -n "$port" ]] || { echo "server $1 did not report a port" >&2; exit 1; }
}

# CPU seconds (user + system) process $1 has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

# Runs wrk against $1 (server pid $2); prints "requests/s requests-per-server-CPU-second",
# fails on non-2xx answers. The second figure is what the server does per second of its
# own CPU, which stays meaningful when other work shares the machine.
run_wrk() {
  local report rate cpu0 cpu1
  cpu0="$(cpu_seconds "$2")"
  report="$("${client_cpu[@]}" wrk -t1 -c"$connections" -d"$duration" -s "$here/post_observation.lua" "$1")"
  cpu1="$(cpu_seconds "$2")"
  if grep -q "Non-2xx" <<< "$report"; then
    echo "$report" >&2
    echo "non-2xx answers from $1" >&2
    exit 1
  fi
  rate="$(awk '/Requests\/sec:/ {print $2}' <<< "$report")"
  total="$(awk '/requests in/ {print $1}' <<< "$report")"
  awk -v r="${rate:-0}" -v n="${total:-0}" -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%s %.0f\n", r, (b > a ? n / (b - a) : 0) }'
}

start_server "$minimal" 0
read -r minimal_rate minimal_per_cpu <<< "$(run_wrk "http://127.0.0.1:$port/fhir/Observation" "${pids[0]}")"
kill "${pids[0]}" 2> /dev/null || true

start_server "$iomtsim" target --http-port 0 --mllp-port 0 --proto-port 0
read -r target_rate target_per_cpu <<< "$(run_wrk "http://127.0.0.1:$port/fhir/Observation" "${pids[1]}")"

awk -v m="$minimal_rate" -v t="$target_rate" -v mc="$minimal_per_cpu" -v tc="$target_per_cpu" \
    -v c="$connections" -v d="$duration" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "wrk -t1 -c%s -d%s, POST /fhir/Observation (keep-alive), load average %s\n", c, d, load
  printf "  %-34s %14s %24s\n", "", "requests/s", "requests/server-CPU-s"
  printf "  %-34s %14.0f %24.0f\n", "minimal Beast server (201 only)", m, mc
  printf "  %-34s %14.0f %24.0f\n", "iomtsim reference target", t, tc
  if (m > 0 && mc > 0)
    printf "  %-34s %14.2f %24.2f\n", "target / minimal", t / m, tc / mc
}'
