#!/usr/bin/env bash
# Does a second I/O thread double the throughput? The honest test runs the load generator on other machines;
# this one has two cores, so the load generator always shares them. What is measured instead is the server's CPU
# time per request: with one I/O thread (pinned to one core, wrk on the other) and with two (both cores, wrk
# beside them). Threads that shared a lock or a contended cache line would spend more CPU per request with two
# (spinning, cache misses, futex calls), and threads that waited on each other would not run in parallel, so the
# script prints both:
#   projected scaling = 2 x (CPU per request, 1 thread) / (CPU per request, 2 threads)   (target >= 1.7)
#   parallelism       = server CPU seconds / wall seconds with 2 threads                  (> 1: they ran at once)
# Cases alternate, RUNS times each; medians. Bounded: 2 x RUNS x DURATION seconds plus start-up.
# Usage: bench/scaling.sh BUILD_DIR PORT COOKIE_SECRET COOKIE DURATION RUNS [flags…]
# Prints: "<rps 1 thread> <rps 2 threads> <CPU µs/request 1> <CPU µs/request 2> <parallelism 2> <projected>"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1" port="$2" secret="$3" cookie="$4" duration="$5" runs="$6"
shift 6
flags=("$@")
out="$root/bench/output"
logs="${BENCH_LOG_DIR:-$out}"  # run.sh puts the logs on tmpfs (see there)
mkdir -p "$out"
one_port="$port" two_port="$((port + 1))"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start() {  # start PORT WORKERS TASKSET_CORES
  taskset -c "$3" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
    --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
    --http-address="127.0.0.1:$1" --set-xauthrequest=true --pass-access-token=true --workers="$2" "${flags[@]}" \
    >>"$logs/gatehouse-scaling-$2.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
# run PID PORT WRK_CORES WRK_THREADS: prints "rps cpu_us_per_request parallelism"
run() {  # (connections: $5)
  local pid="$1" url="http://127.0.0.1:$2/oauth2/auth" log="$out/scaling-$2.txt"
  local before after
  before="$(cpu_ticks "$pid")"
  taskset -c "$3" wrk -t"$4" -c"$5" -d"${duration}s" -H "Cookie: $cookie" "$url" >"$log"
  after="$(cpu_ticks "$pid")"
  awk -v t="$((after - before))" -v hz="$ticks_per_second" -v d="$duration" '
    /requests in/ {n = $1} /^Requests\/sec:/ {rps = $2}
    END {printf "%s %.2f %.2f\n", rps, (t / hz) * 1e6 / n, (t / hz) / d}' "$log"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

rm -f "$logs"/gatehouse-scaling-*.log
start "$one_port" 1 0
one_pid="${pids[-1]}"
start "$two_port" 2 0,1
two_pid="${pids[-1]}"
taskset -c 1 wrk -t1 -c32 -d1s -H "Cookie: $cookie" "http://127.0.0.1:$one_port/oauth2/auth" >/dev/null
taskset -c 0,1 wrk -t2 -c32 -d1s -H "Cookie: $cookie" "http://127.0.0.1:$two_port/oauth2/auth" >/dev/null
: >"$out/scaling-1.runs"
: >"$out/scaling-2.runs"
for _ in $(seq "$runs"); do
  run "$one_pid" "$one_port" 1 1 32 >>"$out/scaling-1.runs"
  run "$two_pid" "$two_port" 0,1 2 64 >>"$out/scaling-2.runs"
  : >"$logs/gatehouse-scaling-1.log"
  : >"$logs/gatehouse-scaling-2.log"
done
rps1="$(awk '{print $1}' "$out/scaling-1.runs" | median)"
rps2="$(awk '{print $1}' "$out/scaling-2.runs" | median)"
cpu1="$(awk '{print $2}' "$out/scaling-1.runs" | median)"
cpu2="$(awk '{print $2}' "$out/scaling-2.runs" | median)"
par2="$(awk '{print $3}' "$out/scaling-2.runs" | median)"
awk -v a="$rps1" -v b="$rps2" -v c="$cpu1" -v d="$cpu2" -v p="$par2" \
  'BEGIN {printf "%s %s %s %s %s %.2f\n", a, b, c, d, p, 2 * c / d}'
