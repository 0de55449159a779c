#!/usr/bin/env bash
# The benchmark (bench/RESULTS.md has the figures and how to read them). Side by side, in one run:
#   /oauth2/auth with a cookie session vs nginx `return 202` with the same headers (the HTTP round-trip limit);
#   a 1,000-host policy; Redis sessions without and with the local cache; the gRPC ext_authz door (h2load with a
#   prebuilt Check, 4 x 8 and 32 x 1 streams); the whole nginx auth_request chain with Gatehouse vs with a stub.
# Every server runs pinned to one core, the load generator (wrk or h2load) on the other. RUNS rounds, each
# measuring every case twice (A B … B A), medians printed; then every ratio paired: its two cases 1 s each in turn,
# PAIRS pairs (default 8), the median of the pairs' ratios (the gRPC door against the same process's HTTP port).
# Then: heap allocations and instructions per request and per gRPC Check (callgrind), 2 I/O threads vs 1
# (bench/scaling.sh), the default
# --workers under a one-core affinity (bench/affinity.sh), resident memory with 10,000 idle HTTP/1.1 and HTTP/2
# connections (bench/idle_memory.sh).
# Bounded: 9 cases x RUNS x DURATION seconds (default 3 x 5 s), 7 ratios x PAIRS x 2 s, plus the rest: about 8 minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${GATEHOUSE_BUILD_DIR:-$root/build}"
duration="${DURATION:-5}"
# Each round measures every case twice, in order and then in reverse (A B … B A), for half the duration each
# time: a drift of the machine's speed during the round then weighs on every case alike.
slice="$(( duration > 1 ? duration / 2 : 1 ))"
connections="${CONNECTIONS:-32}"
runs="${RUNS:-3}"
server_core="${SERVER_CORE:-0}"
client_core="${CLIENT_CORE:-1}"
# Further flags for every Gatehouse, to compare settings (e.g. GATEHOUSE_FLAGS=--request-logging=false).
read -r -a extra_flags <<<"${GATEHOUSE_FLAGS:-}"
out="$root/bench/output"
mkdir -p "$out/nginx/logs" "$out/nginx/tmp"
# Gatehouse logs every request (as it does by default), into files on tmpfs: like the pipe a container runtime
# reads, each write(2) is paid, but no disk writeback of hundreds of MB lands on whichever case happens to run
# when the kernel flushes (it did: one case at half speed in some runs, full speed in others). The files are
# opened for appending and emptied before each round, so a run keeps at most one round's lines (tens of MB).
rm -f "$out"/gatehouse*.log
logs="$(mktemp -d /dev/shm/gatehouse-bench.XXXXXX)"
export BENCH_LOG_DIR="$logs"
secret="q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="
gh_port=18480
nginx_port=18481
policy_port=18482
redis_port=18483
redis_gh_port=18484
cached_gh_port=18485
grpc_http_port=18486
grpc_port=18487
chain_gh_port=18488
chain_stub_port=18489
scaling_port=18490  # and 18491
# Every case sends the header an ingress sends, so that the policy case costs only its own work.
original_url="X-Original-URL: https://app537.example.com/reports"
original_method="X-Original-Method: GET"
pids=()
stop_servers() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
cleanup() { stop_servers; rm -rf "$logs"; }
trap cleanup EXIT INT TERM

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

cookie="$("$build/tests/tools/gatehouse-mint-session" --cookie-secret="$secret" --user=bench-user-0001 \
  --email=alice@example.com --preferred-username=alice --groups=/platform-team,/dev --access-token=at-bench \
  --expires-in=86400)"

# One wrk run: prints "requests_per_second p99_ms".
measure() {
  local url="$1" log="$2" session="${3:-$cookie}"
  taskset -c "$client_core" wrk -t1 -c"$connections" -d"${slice}s" --latency -H "Cookie: $session" \
    -H "$original_url" -H "$original_method" "$url" >"$log"
  local rps p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$log")"
  p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$log")"
  echo "$rps $p99"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

warm_up() {
  taskset -c "$client_core" wrk -t1 -c"$connections" -d1s -H "Cookie: ${2:-$cookie}" -H "$original_url" -H "$original_method" "$1" >/dev/null
}

# A policy of 1,000 hosts with three rules each; the benchmark request hits host 537's catch-all rule.
policy_file="$out/policy-1000-hosts.yaml"
{
  echo "rules:"
  for i in $(seq 0 999); do
    printf '  - host: app%d.example.com\n    path: /public\n    public: true\n' "$i"
    printf '  - host: app%d.example.com\n    path: /admin\n    allow:\n      groups: [/admins]\n' "$i"
    printf '  - host: app%d.example.com\n    allow:\n      groups: [/platform-team]\n' "$i"
  done
} >"$policy_file"

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

# --- the whole nginx auth_request chain, as a protected app sees it: a front nginx asks the auth service on every
# request (keep-alive upstream connections, as ingress-nginx keeps them), then answers from the app (here a
# static file of the same nginx). One front asks Gatehouse, the other an nginx stub that returns 202 with
# the same headers: the ratio is what Gatehouse costs a protected request, compared with the cheapest possible
# auth service. Both fronts and Gatehouse share the server core.
mkdir -p "$out/chain/logs" "$out/chain/tmp" "$out/chain/www"
printf 'app\n' >"$out/chain/www/app"
cat >"$out/chain/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
pid $out/chain/nginx.pid; error_log $out/chain/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $out/chain/tmp/body; proxy_temp_path $out/chain/tmp/proxy;
  fastcgi_temp_path $out/chain/tmp/fastcgi; uwsgi_temp_path $out/chain/tmp/uwsgi; scgi_temp_path $out/chain/tmp/scgi;
  upstream gatehouse { server 127.0.0.1:$gh_port; keepalive 64; }
  upstream stub { server 127.0.0.1:$nginx_port; keepalive 64; }
  server {
    listen 127.0.0.1:$chain_gh_port;
    location = /_auth {
      internal;
      proxy_pass http://gatehouse/oauth2/auth;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass_request_body off; proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL \$scheme://\$http_host\$request_uri;
      proxy_set_header X-Original-Method \$request_method;
    }
    location / {
      auth_request /_auth;
      auth_request_set \$user \$upstream_http_x_auth_request_user;
      auth_request_set \$email \$upstream_http_x_auth_request_email;
      add_header X-User \$user always;
      add_header X-Email \$email always;
      root $out/chain/www;  # a static file: served in the content phase, after auth_request (a return would skip it)
    }
  }
  server {
    listen 127.0.0.1:$chain_stub_port;
    location = /_auth {
      internal;
      proxy_pass http://stub/oauth2/auth;
      proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_pass_request_body off; proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL \$scheme://\$http_host\$request_uri;
      proxy_set_header X-Original-Method \$request_method;
    }
    location / {
      auth_request /_auth;
      auth_request_set \$user \$upstream_http_x_auth_request_user;
      auth_request_set \$email \$upstream_http_x_auth_request_email;
      add_header X-User \$user always;
      add_header X-Email \$email always;
      root $out/chain/www;  # a static file: served in the content phase, after auth_request (a return would skip it)
    }
  }
}
CONF
taskset -c "$server_core" /usr/sbin/nginx -p "$out/chain" -c "$out/chain/nginx.conf" &
pids+=("$!")
wait_port "$chain_gh_port"

# --- Gatehouse /oauth2/auth with a valid cookie session
taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
  --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
  --http-address="127.0.0.1:$gh_port" --set-xauthrequest=true --pass-access-token=true --workers=1 "${extra_flags[@]}" \
  >>"$logs/gatehouse.log" 2>&1 &
gh_pid=$!
pids+=("$gh_pid")
wait_port "$gh_port"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$gh_port/oauth2/auth")"
[ "$status" = 202 ] || { echo "bench: Gatehouse answered $status, not 202, to the benchmark session" >&2; exit 1; }
user="$(curl -s -D - -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$chain_gh_port/app" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-user" {print $2}')"
[ "$user" = bench-user-0001 ] || { echo "bench: the nginx chain with Gatehouse did not pass the user on ($user)" >&2; exit 1; }
status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$chain_gh_port/app")"
[ "$status" = 401 ] || { echo "bench: the nginx chain let a request without a session through ($status)" >&2; exit 1; }


# --- the same Gatehouse with the 1,000-host policy (behind a trusted proxy, as the policy needs)
taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
  --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
  --http-address="127.0.0.1:$policy_port" --set-xauthrequest=true --pass-access-token=true --workers=1 "${extra_flags[@]}" \
  --reverse-proxy=true --trusted-proxy-ip=127.0.0.1 --policy-file="$policy_file" >>"$logs/gatehouse-policy.log" 2>&1 &
policy_pid=$!
pids+=("$policy_pid")
wait_port "$policy_port"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" -H "$original_url" -H "$original_method" "http://127.0.0.1:$policy_port/oauth2/auth")"
[ "$status" = 202 ] || { echo "bench: the policy case answered $status, not 202" >&2; exit 1; }

# --- Redis sessions: redis-server on the server's core too (in production it runs elsewhere; here its CPU
# time is charged to the Redis cases, which makes their ratios conservative), Gatehouse without and with the
# per-thread session cache.
taskset -c "$server_core" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$out" --loglevel warning >"$out/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
wait_port "$redis_port"
redis_cookie="$("$build/tests/tools/gatehouse-mint-session" --cookie-secret="$secret" --user=bench-user-0001 \
  --email=alice@example.com --preferred-username=alice --groups=/platform-team,/dev --access-token=at-bench \
  --expires-in=86400 --redis-url="redis://127.0.0.1:$redis_port")"
start_redis_gatehouse() {
  local port="$1"; shift
  taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
    --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
    --http-address="127.0.0.1:$port" --set-xauthrequest=true --pass-access-token=true --workers=1 "${extra_flags[@]}" \
    --session-store-type=redis --redis-connection-url="redis://127.0.0.1:$redis_port" "$@" \
    >>"$logs/gatehouse-redis-$port.log" 2>&1 &
  pids+=("$!")
  wait_port "$port"
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $redis_cookie" "http://127.0.0.1:$port/oauth2/auth")"
  [ "$status" = 202 ] || { echo "bench: the Redis case on $port answered $status, not 202" >&2; exit 1; }
}
start_redis_gatehouse "$redis_gh_port"
start_redis_gatehouse "$cached_gh_port" --session-cache-ttl=10s

# --- the ext_authz gRPC door (h2c), driven by h2load (nghttp2's load generator; wrk speaks only HTTP/1.1) with a
# prebuilt Check (bench/grpc_load.cpp --write-body: gRPC's prefix and the CheckRequest, same session and headers as
# the HTTP cases): 32 streams in flight over 4 connections, as an Envoy keeps a few connections to its ext_authz
# cluster. h2load cannot read gRPC's trailers, so our grpc++ client first checks that every call is allowed.
taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
  --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
  --http-address="127.0.0.1:$grpc_http_port" --grpc-address="127.0.0.1:$grpc_port" --set-xauthrequest=true \
  --pass-access-token=true --workers=1 "${extra_flags[@]}" >>"$logs/gatehouse-grpc.log" 2>&1 &
pids+=("$!")
wait_port "$grpc_port"
grpc_body="$out/check-request.bin"
"$build/bench/gatehouse-grpc-load" --cookie="$cookie" --write-body="$grpc_body"
"$build/bench/gatehouse-grpc-load" --target="127.0.0.1:$grpc_port" --cookie="$cookie" --seconds=1 --concurrency=8 \
  --channels=2 >"$out/grpc.allowed.txt"
[ "$(cut -d' ' -f3 "$out/grpc.allowed.txt")" = "1.0000" ] || { echo "bench: the gRPC door did not allow every call" >&2; exit 1; }
grpc_url="http://127.0.0.1:$grpc_port/envoy.service.auth.v3.Authorization/Check"
# One h2load run: prints "requests_per_second p99_ms" (p99 from h2load's per-request log). CONNECTIONS x STREAMS:
# 4 x 8 by default; 32 x 1 is the HTTP cases' shape (one call at a time on each of 32 connections).
measure_grpc() {
  local clients="${3:-4}" streams="${4:-8}"
  taskset -c "$client_core" h2load -D "$1" -c "$clients" -m "$streams" -t 1 -d "$grpc_body" \
    -H 'content-type: application/grpc' -H 'te: trailers' --log-file="$2.requests" "$grpc_url" >"$2"
  grep -q ' 0 failed, 0 errored, 0 timeout' "$2" || { echo "bench: h2load saw failed calls ($2)" >&2; exit 1; }
  local rps p99
  rps="$(awk '/^finished in/ {gsub(",", "", $4); print $4}' "$2")"
  p99="$(cut -f3 "$2.requests" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int(NR*0.99)] / 1000}')"
  rm -f "$2.requests"
  echo "$rps $p99"
}

# The servers stay up and the runs alternate, so that the machine's slow drifts hit every case alike.
nginx_url="http://127.0.0.1:$nginx_port/oauth2/auth"
gh_url="http://127.0.0.1:$gh_port/oauth2/auth"
policy_url="http://127.0.0.1:$policy_port/oauth2/auth"
redis_url="http://127.0.0.1:$redis_gh_port/oauth2/auth"
cached_url="http://127.0.0.1:$cached_gh_port/oauth2/auth"
for u in "$nginx_url" "$gh_url" "$policy_url"; do warm_up "$u"; done
for u in "$redis_url" "$cached_url"; do warm_up "$u" "$redis_cookie"; done
measure_grpc 1 "$out/grpc.warmup.txt" >/dev/null
chain_gh_url="http://127.0.0.1:$chain_gh_port/app"
chain_stub_url="http://127.0.0.1:$chain_stub_port/app"
for u in "$chain_gh_url" "$chain_stub_url"; do warm_up "$u"; done
cases=(nginx gatehouse policy redis cached grpc grpc32 chain_stub chain_gh)
run_case() {  # run_case CASE ROUND: prints "req/s p99_ms"
  case "$1" in
    nginx) measure "$nginx_url" "$out/nginx.$2.txt" ;;
    gatehouse) measure "$gh_url" "$out/gatehouse.$2.txt" ;;
    policy) measure "$policy_url" "$out/policy.$2.txt" ;;
    redis) measure "$redis_url" "$out/redis.$2.txt" "$redis_cookie" ;;
    cached) measure "$cached_url" "$out/cached.$2.txt" "$redis_cookie" ;;
    grpc) measure_grpc "$slice" "$out/grpc.$2.txt" ;;
    grpc32) measure_grpc "$slice" "$out/grpc32.$2.txt" 32 1 ;;
    chain_stub) measure "$chain_stub_url" "$out/chain_stub.$2.txt" ;;
    chain_gh) measure "$chain_gh_url" "$out/chain_gh.$2.txt" ;;
  esac
}
for c in "${cases[@]}"; do : >"$out/$c.runs"; done
for i in $(seq "$runs"); do
  for f in "$logs"/gatehouse*.log; do : >"$f"; done
  for c in "${cases[@]}"; do run_case "$c" "$i" >"$out/$c.first"; done
  for ((k = ${#cases[@]} - 1; k >= 0; k--)); do
    c="${cases[k]}"
    # The round's figure for a case: the mean of its two halves.
    run_case "$c" "$i" | awk -v f="$(cat "$out/$c.first")" '{split(f, a, " "); printf "%.2f %.3f\n", (a[1] + $1) / 2, (a[2] + $2) / 2}' \
      >>"$out/$c.runs"
  done
done
# --- Every ratio again, paired: its two cases 1 s each in turn, PAIRS pairs (default 8) in A B B A order, the median
# of the pairs' ratios (and their range). In the rounds above a ratio's two cases are up to ~20 s apart, and this
# machine's speed drifts on that scale: the same code gave 0.66, 0.92 and 0.96 for gRPC at 32 x 1 that way, and
# "Redis with cache / cookie" 1.29. The gRPC cases are paired with the same process's HTTP port (grpc_http): one
# Gatehouse, its two doors.
paired_http_url="http://127.0.0.1:$grpc_http_port/oauth2/auth"
warm_up "$paired_http_url"
paired_case() {  # paired_case CASE TAG: req/s of 1 s of CASE
  if [ "$1" = grpc_http ]; then slice=1 measure "$paired_http_url" "$out/grpc_http.$2.txt"; else slice=1 run_case "$1" "$2"; fi |
    cut -d' ' -f1
}
paired() {  # paired A B: "median low-high" of A/B over PAIRS pairs
  local a b i
  : >"$out/paired.$1.$2"
  for i in $(seq "${PAIRS:-8}"); do
    if (( i % 2 )); then a="$(paired_case "$1" "p$i")"; b="$(paired_case "$2" "p$i")"
    else b="$(paired_case "$2" "p$i")"; a="$(paired_case "$1" "p$i")"; fi
    awk -v a="$a" -v b="$b" 'BEGIN {printf "%.4f\n", a / b}' >>"$out/paired.$1.$2"
  done
  printf "%s %s\n" "$(median <"$out/paired.$1.$2" | awk '{printf "%.2f", $1}')" \
    "$(sort -g "$out/paired.$1.$2" | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f-%.2f", lo, hi}')"
}
read -r p_ratio p_ratio_range < <(paired gatehouse nginx)
read -r p_policy p_policy_range < <(paired policy gatehouse)
read -r p_redis p_redis_range < <(paired redis gatehouse)
read -r p_cached p_cached_range < <(paired cached gatehouse)
read -r p_grpc p_grpc_range < <(paired grpc grpc_http)
read -r p_grpc32 p_grpc32_range < <(paired grpc32 grpc_http)
read -r p_chain p_chain_range < <(paired chain_gh chain_stub)

stop_servers
pids=()
median_of() { cut -d' ' -f"$2" "$out/$1.runs" | median; }
nginx_rps="$(median_of nginx 1)"; nginx_p99="$(median_of nginx 2)"
gh_rps="$(median_of gatehouse 1)"; gh_p99="$(median_of gatehouse 2)"
policy_rps="$(median_of policy 1)"; policy_p99="$(median_of policy 2)"
redis_rps="$(median_of redis 1)"; redis_p99="$(median_of redis 2)"
cached_rps="$(median_of cached 1)"; cached_p99="$(median_of cached 2)"
grpc_rps="$(median_of grpc 1)"; grpc_p99="$(median_of grpc 2)"
grpc32_rps="$(median_of grpc32 1)"; grpc32_p99="$(median_of grpc32 2)"
chain_stub_rps="$(median_of chain_stub 1)"; chain_stub_p99="$(median_of chain_stub 2)"
chain_gh_rps="$(median_of chain_gh 1)"; chain_gh_p99="$(median_of chain_gh 2)"

# --- heap allocations per auth request (with the policy, the heavier path): two runs of different length, the
# difference divided by the difference in requests, so start-up allocations cancel out.
allocs_run() {
  local seconds="$1" count_file="$out/mallocs.$1"
  GATEHOUSE_MALLOC_COUNT_FILE="$count_file" LD_PRELOAD="$build/bench/libgatehouse_malloc_counter.so" \
    taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
    --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
    --http-address="127.0.0.1:$gh_port" --set-xauthrequest=true --pass-access-token=true --workers=1 "${extra_flags[@]}" \
    --reverse-proxy=true --trusted-proxy-ip=127.0.0.1 --policy-file="$policy_file" >/dev/null 2>&1 &
  local pid=$!
  wait_port "$gh_port"
  local requests
  requests="$(taskset -c "$client_core" wrk -t1 -c"$connections" -d"${seconds}s" -H "Cookie: $cookie" \
    -H "$original_url" -H "$original_method" "http://127.0.0.1:$gh_port/oauth2/auth" | awk '/requests in/ {print $1}')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$requests $(cat "$count_file")"
}
read -r short_requests short_mallocs < <(allocs_run 1)
read -r long_requests long_mallocs < <(allocs_run 3)
allocs_per_request="$(awk -v a="$long_mallocs" -v b="$short_mallocs" -v c="$long_requests" -v d="$short_requests" \
  'BEGIN {printf "%.4f", (a - b) / (c - d)}')"

# --- heap allocations per gRPC Check, the same way (h2load, 4 connections x 8 streams, the same prebuilt Check).
grpc_allocs_run() {
  local seconds="$1" count_file="$out/mallocs-grpc.$1"
  GATEHOUSE_MALLOC_COUNT_FILE="$count_file" LD_PRELOAD="$build/bench/libgatehouse_malloc_counter.so" \
    taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
    --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
    --http-address="127.0.0.1:$grpc_http_port" --grpc-address="127.0.0.1:$grpc_port" --set-xauthrequest=true \
    --pass-access-token=true --workers=1 "${extra_flags[@]}" >/dev/null 2>&1 &
  local pid=$!
  wait_port "$grpc_port"
  local calls
  calls="$(taskset -c "$client_core" h2load -D "$seconds" -c 4 -m 8 -t 1 -d "$grpc_body" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$grpc_url" | awk '/^requests:/ {print $8}')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$calls $(cat "$count_file")"
}
read -r short_calls short_grpc_mallocs < <(grpc_allocs_run 1)
read -r long_calls long_grpc_mallocs < <(grpc_allocs_run 3)
allocs_per_check="$(awk -v a="$long_grpc_mallocs" -v b="$short_grpc_mallocs" -v c="$long_calls" -v d="$short_calls" \
  'BEGIN {printf "%.4f", (a - b) / (c - d)}')"

# --- instructions per auth request (callgrind; bench/instructions.sh says how).
instructions_per_request="n/a (valgrind missing)"
grpc_instructions_per_check="n/a"
if command -v valgrind >/dev/null; then
  instructions_per_request="$("$root/bench/instructions.sh" "$build" "$gh_port" "$secret" "$cookie" "${extra_flags[@]}")"
  grpc_instructions_per_check="$("$root/bench/grpc_instructions.sh" "$build" "$grpc_http_port" "$grpc_port" "$secret" \
    "$grpc_body" "${extra_flags[@]}")"
fi

# --- two I/O threads against one (bench/scaling.sh says what is measured on a two-core machine, and why).
read -r scale_rps1 scale_rps2 scale_cpu1 scale_cpu2 scale_parallel scale_projected < <("$root/bench/scaling.sh" \
  "$build" "$scaling_port" "$secret" "$cookie" "$duration" "$runs" "${extra_flags[@]}")
read -r aff_rps aff_p99 aff1_rps aff1_p99 < <("$root/bench/affinity.sh" "$build" "$((scaling_port + 2))" "$secret" \
  "$cookie" "$duration" "$runs" "${extra_flags[@]}")  # default --workers vs --workers=1 on one core (ports 18492, 18493)

# --- resident memory with 10,000 idle keep-alive connections, each of which has been served one request.
idle_count="${IDLE_CONNECTIONS:-10000}"
read -r idle_mib idle_per_connection _ idle_open < <("$root/bench/idle_memory.sh" "$build" "$gh_port" "$secret" \
  "$cookie" "$server_core" "$client_core" "$idle_count" "${extra_flags[@]}")
# The same with HTTP/2 connections to the gRPC port, each answered one Check.
read -r h2_idle_mib h2_idle_per_connection _ h2_idle_open < <(IDLE_H2_BODY="$grpc_body" IDLE_GRPC_PORT="$grpc_port" \
  "$root/bench/idle_memory.sh" "$build" "$gh_port" "$secret" "$cookie" "$server_core" "$client_core" "$idle_count" \
  "${extra_flags[@]}")

# Ratios: each round's own (the two cases measured minutes apart would carry the machine's drift), then the median.
round_ratio() {
  paste -d' ' "$out/$1.runs" "$out/$2.runs" | awk '{printf "%.4f\n", $1 / $3}' | median | awk '{printf "%.2f", $1}'
}
ratio="$(round_ratio gatehouse nginx)"
policy_ratio="$(round_ratio policy gatehouse)"
redis_ratio="$(round_ratio redis gatehouse)"
cached_ratio="$(round_ratio cached gatehouse)"
grpc_ratio="$(round_ratio grpc gatehouse)"
grpc32_ratio="$(round_ratio grpc32 gatehouse)"
chain_ratio="$(round_ratio chain_gh chain_stub)"
{
  echo "case                              req/s (median of $runs rounds)   p99 ms"
  printf "nginx return 202 (baseline)       %-24s %s\n" "$nginx_rps" "$nginx_p99"
  printf "gatehouse /oauth2/auth (cookie)   %-24s %s\n" "$gh_rps" "$gh_p99"
  printf "gatehouse + 1,000-host policy     %-24s %s\n" "$policy_rps" "$policy_p99"
  printf "gatehouse, Redis sessions         %-24s %s\n" "$redis_rps" "$redis_p99"
  printf "gatehouse, Redis + local cache    %-24s %s\n" "$cached_rps" "$cached_p99"
  printf "gRPC Check, 4 conns x 8 streams   %-24s %s\n" "$grpc_rps" "$grpc_p99"
  printf "gRPC Check, 32 conns x 1 stream   %-24s %s\n" "$grpc32_rps" "$grpc32_p99"
  printf "nginx chain, auth = nginx stub    %-24s %s\n" "$chain_stub_rps" "$chain_stub_p99"
  printf "nginx chain, auth = gatehouse     %-24s %s\n" "$chain_gh_rps" "$chain_gh_p99"
  echo "ratios: paired, the median of ${PAIRS:-8} pairs of 1 s each (their range); in brackets the median of the $runs rounds' own"
  echo "ratio gatehouse/nginx: $p_ratio ($p_ratio_range) [$ratio]   (target >= 0.90; p99 target <= 1 ms at $connections connections)"
  echo "ratio policy/no-policy: $p_policy ($p_policy_range) [$policy_ratio]   (target >= 0.90)"
  echo "ratio Redis/cookie: $p_redis ($p_redis_range) [$redis_ratio]   (target >= 0.50)"
  echo "ratio Redis with cache/cookie: $p_cached ($p_cached_range) [$cached_ratio]   (target >= 0.90)"
  echo "ratio gRPC/HTTP, one process: $p_grpc ($p_grpc_range) [$grpc_ratio] at 4 x 8, $p_grpc32 ($p_grpc32_range) [$grpc32_ratio] at 32 x 1 (as wrk)   (target >= 0.90; p99 target <= 1 ms at 32 streams)"
  echo "ratio nginx chain with gatehouse/with stub: $p_chain ($p_chain_range) [$chain_ratio]   (target >= 0.90)"
  echo "heap allocations per /oauth2/auth request: $allocs_per_request"
  echo "heap allocations per gRPC Check: $allocs_per_check"
  echo "instructions per /oauth2/auth request (callgrind, cookie session, request log on): $instructions_per_request"
  echo "instructions per gRPC Check (callgrind, same session, allowed, 4 connections x 8 streams): $grpc_instructions_per_check"
  echo "instructions gRPC Check/HTTP request: $(awk -v g="$grpc_instructions_per_check" -v h="$instructions_per_request" 'BEGIN {if (g + 0 > 0 && h + 0 > 0) printf "%.2f", g / h; else print "n/a"}')   (target <= 1.5)"
  echo "2 I/O threads vs 1 (32 connections per thread): $scale_rps2 vs $scale_rps1 req/s sharing 2 cores with wrk; server CPU per request $scale_cpu2 vs $scale_cpu1 µs, parallelism $scale_parallel"
  echo "projected scaling with the load generator elsewhere: $scale_projected   (target >= 1.7)"
  echo "default --workers under a one-core affinity: $aff_rps req/s, p99 $aff_p99 ms vs --workers=1 $aff1_rps req/s, p99 $aff1_p99 ms"
  echo "resident memory with $idle_count idle keep-alive connections: $idle_mib MiB ($idle_per_connection KiB per connection; $idle_open)   (target <= 64 MiB)"
  echo "resident memory with $idle_count idle HTTP/2 (gRPC) connections: $h2_idle_mib MiB ($h2_idle_per_connection KiB per connection; $h2_idle_open)"
} | tee "$out/summary.txt"
