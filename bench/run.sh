#!/usr/bin/env bash
# First benchmark: /oauth2/auth with a valid cookie session vs nginx `return 202` with the same headers
# (the HTTP round-trip limit). Both servers run one worker pinned to the same core, one after the other;
# wrk runs on the other core. The cases alternate, three runs each; the medians and their ratio are printed.
# Bounded: 2 cases x 3 runs x DURATION seconds (default 5) plus warm-ups, about 40 s in all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${GATEHOUSE_BUILD_DIR:-$root/build}"
duration="${DURATION:-5}"
connections="${CONNECTIONS:-32}"
runs="${RUNS:-3}"
server_core="${SERVER_CORE:-0}"
client_core="${CLIENT_CORE:-1}"
out="$root/bench/output"
mkdir -p "$out/nginx/logs" "$out/nginx/tmp"
secret="q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="
gh_port=18480
nginx_port=18481
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

cookie="$("$build/tests/tools/gatehouse-mint-session" --cookie-secret="$secret" --user=bench-user-0001 \
  --email=alice@example.com --preferred-username=alice --groups=/platform-team,/dev --access-token=at-bench \
  --expires-in=86400)"

# One wrk run: prints "requests_per_second p99_ms".
measure() {
  local url="$1" log="$2"
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Cookie: $cookie" "$url" >"$log"
  local rps p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$log")"
  p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$log")"
  echo "$rps $p99"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

warm_up() { taskset -c "$client_core" wrk -t1 -c"$connections" -d1s -H "Cookie: $cookie" "$1" >/dev/null; }

# --- nginx `return 202` baseline
cat >"$out/nginx/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
pid $out/nginx/nginx.pid; error_log $out/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $out/nginx/tmp/body; proxy_temp_path $out/nginx/tmp/proxy;
  fastcgi_temp_path $out/nginx/tmp/fastcgi; uwsgi_temp_path $out/nginx/tmp/uwsgi; scgi_temp_path $out/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      add_header GAP-Auth alice@example.com always;
      add_header X-Auth-Request-User bench-user-0001 always;
      add_header X-Auth-Request-Email alice@example.com always;
      add_header X-Auth-Request-Preferred-Username alice always;
      add_header X-Auth-Request-Groups /platform-team,/dev always;
      add_header X-Auth-Request-Access-Token at-bench always;
      return 202;
    }
  }
}
CONF
taskset -c "$server_core" /usr/sbin/nginx -p "$out/nginx" -c "$out/nginx/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port "$nginx_port"

# --- Gatehouse /oauth2/auth with a valid cookie session
taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
  --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
  --http-address="127.0.0.1:$gh_port" --set-xauthrequest=true --pass-access-token=true --workers=1 \
  >"$out/gatehouse.log" 2>&1 &
gh_pid=$!
pids+=("$gh_pid")
wait_port "$gh_port"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$gh_port/oauth2/auth")"
[ "$status" = 202 ] || { echo "bench: Gatehouse answered $status, not 202, to the benchmark session" >&2; exit 1; }

# Both servers stay up and the runs alternate, so that the machine's slow drifts hit both cases alike.
nginx_url="http://127.0.0.1:$nginx_port/oauth2/auth"
gh_url="http://127.0.0.1:$gh_port/oauth2/auth"
warm_up "$nginx_url"
warm_up "$gh_url"
: >"$out/nginx.runs"
: >"$out/gatehouse.runs"
for i in $(seq "$runs"); do
  measure "$nginx_url" "$out/nginx.$i.txt" >>"$out/nginx.runs"
  measure "$gh_url" "$out/gatehouse.$i.txt" >>"$out/gatehouse.runs"
done
kill "$nginx_pid" "$gh_pid"; wait "$nginx_pid" "$gh_pid" 2>/dev/null || true
median_of() { cut -d' ' -f"$2" "$out/$1.runs" | median; }
nginx_rps="$(median_of nginx 1)"; nginx_p99="$(median_of nginx 2)"
gh_rps="$(median_of gatehouse 1)"; gh_p99="$(median_of gatehouse 2)"

# --- heap allocations per auth request: two runs of different length, the difference divided by the
# difference in requests, so start-up allocations cancel out.
allocs_run() {
  local seconds="$1" count_file="$out/mallocs.$1"
  GATEHOUSE_MALLOC_COUNT_FILE="$count_file" LD_PRELOAD="$build/bench/libgatehouse_malloc_counter.so" \
    taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
    --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
    --http-address="127.0.0.1:$gh_port" --set-xauthrequest=true --pass-access-token=true --workers=1 \
    >/dev/null 2>&1 &
  local pid=$!
  wait_port "$gh_port"
  local requests
  requests="$(taskset -c "$client_core" wrk -t1 -c"$connections" -d"${seconds}s" -H "Cookie: $cookie" \
    "http://127.0.0.1:$gh_port/oauth2/auth" | awk '/requests in/ {print $1}')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$requests $(cat "$count_file")"
}
read -r short_requests short_mallocs < <(allocs_run 1)
read -r long_requests long_mallocs < <(allocs_run 3)
allocs_per_request="$(awk -v a="$long_mallocs" -v b="$short_mallocs" -v c="$long_requests" -v d="$short_requests" \
  'BEGIN {printf "%.4f", (a - b) / (c - d)}')"

ratio="$(awk -v a="$gh_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')"
{
  echo "case                              req/s (median of $runs)   p99 ms"
  printf "nginx return 202 (baseline)       %-24s %s\n" "$nginx_rps" "$nginx_p99"
  printf "gatehouse /oauth2/auth (cookie)   %-24s %s\n" "$gh_rps" "$gh_p99"
  echo "ratio gatehouse/nginx: $ratio   (target >= 0.70; p99 target <= 2 ms at $connections connections)"
  echo "heap allocations per /oauth2/auth request: $allocs_per_request"
} | tee "$out/summary.txt"
