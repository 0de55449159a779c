#!/usr/bin/env bash
# Does the default --workers fit a process that may use one CPU? Two Gatehouses pinned to one core (taskset, as a
# cpuset or a CPU limit leaves a container), one with the default --workers (one I/O thread per CPU the process
# may use) and one with --workers=1, each loaded in turn by wrk on another core with the same cookie. Sized by the
# machine's CPUs instead, the default would start as many I/O threads as the machine has, taking turns on the one
# core: the throughput barely moves, the p99 does. Cases alternate, RUNS times each; medians.
# Bounded: 2 x RUNS x DURATION seconds plus start-up.
# Usage: bench/affinity.sh BUILD_DIR PORT COOKIE_SECRET COOKIE DURATION RUNS [flags…]   (PORT and PORT+1)
# Cores: SERVER_CORE (default 0) for both servers, CLIENT_CORE (default 1) for wrk.
# Prints: "<rps default> <p99 ms default> <rps --workers=1> <p99 ms --workers=1>"; the default's "I/O threads:"
# start line is kept in bench/output/affinity-default.threads.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1" port="$2" secret="$3" cookie="$4" duration="$5" runs="$6"
shift 6
flags=("$@")
server_core="${SERVER_CORE:-0}"
client_core="${CLIENT_CORE:-1}"
out="$root/bench/output"
logs="${BENCH_LOG_DIR:-$out}"  # run.sh puts the logs on tmpfs (see there)
mkdir -p "$out"
default_port="$port" one_port="$((port + 1))"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start() {  # start PORT NAME [flags…]
  local p="$1" name="$2"
  shift 2
  taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
    --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
    --http-address="127.0.0.1:$p" --set-xauthrequest=true --pass-access-token=true "${flags[@]}" "$@" \
    >>"$logs/gatehouse-affinity-$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0; sleep 0.05; done
  echo "bench/affinity.sh: Gatehouse ($name) did not listen on $p" >&2
  return 1
}
# run PORT NAME: prints "rps p99_ms"
run() {
  local log="$out/affinity-$2.txt"
  taskset -c "$client_core" wrk -t1 -c32 -d"${duration}s" --latency -H "Cookie: $cookie" \
    "http://127.0.0.1:$1/oauth2/auth" >"$log"
  awk '/^Requests\/sec:/ {rps = $2}
    $1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)}
                 else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; p99 = v}
    END {print rps, p99}' "$log"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

rm -f "$logs"/gatehouse-affinity-*.log
start "$default_port" default  # no --workers: the default under test
start "$one_port" workers1 --workers=1
for p in "$default_port" "$one_port"; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$p/oauth2/auth")"
  [ "$status" = 202 ] || { echo "bench/affinity.sh: Gatehouse on $p answered $status, not 202" >&2; exit 1; }
  taskset -c "$client_core" wrk -t1 -c32 -d1s -H "Cookie: $cookie" "http://127.0.0.1:$p/oauth2/auth" >/dev/null
done
# What the default chose and why, kept before the logs are emptied.
grep -m1 'I/O threads:' "$logs/gatehouse-affinity-default.log" >"$out/affinity-default.threads" || true
: >"$out/affinity-default.runs"
: >"$out/affinity-workers1.runs"
for _ in $(seq "$runs"); do
  run "$default_port" default >>"$out/affinity-default.runs"
  run "$one_port" workers1 >>"$out/affinity-workers1.runs"
  # Every request is logged; keep a round's lines at most (the files may be on tmpfs).
  : >"$logs/gatehouse-affinity-default.log"
  : >"$logs/gatehouse-affinity-workers1.log"
done
col() { awk -v c="$2" '{print $c}' "$out/affinity-$1.runs" | median; }
echo "$(col default 1) $(col default 2) $(col workers1 1) $(col workers1 2)"
