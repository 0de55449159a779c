#!/usr/bin/env bash
# Resident memory of one Gatehouse (--workers=1) holding COUNT idle keep-alive connections, each of which has
# been served one /oauth2/auth with a valid session first (bench/idle_connections.mjs). Prints one line:
#   "<rss MiB> <KiB per connection> <rss before, MiB> open=N answered=M"
# Bounded: the client holds the connections HOLD_MS and ends; the server is stopped by its PID.
# Usage: bench/idle_memory.sh BUILD_DIR PORT COOKIE_SECRET COOKIE SERVER_CORE CLIENT_CORE [COUNT] [flags…]
# With IDLE_H2_BODY=FILE (a prebuilt Check, bench/grpc_load.cpp --write-body) and IDLE_GRPC_PORT=P, the connections
# are HTTP/2 ones to the gRPC port instead, each having been answered one Check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1" port="$2" secret="$3" cookie="$4" server_core="$5" client_core="$6" count="${7:-10000}"
shift 7 || shift $#
out="$root/bench/output"
mkdir -p "$out"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
taskset -c "$server_core" "$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com \
  --client-id=bench --client-secret=bench --cookie-secret="$secret" --email-domain=example.com \
  --http-address="127.0.0.1:$port" --set-xauthrequest=true --workers=1 \
  ${IDLE_H2_BODY:+--grpc-address=127.0.0.1:$IDLE_GRPC_PORT} "$@" >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/${IDLE_GRPC_PORT:-$port}") 2>/dev/null && break; sleep 0.05; done
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
before="$(rss_kib "$pid")"
target_port="${IDLE_H2_BODY:+$IDLE_GRPC_PORT}"
taskset -c "$client_core" node "$root/bench/idle_connections.mjs" "${target_port:-$port}" "$count" 3000 "$cookie" \
  ${IDLE_H2_BODY:+--h2=$IDLE_H2_BODY} >"$out/idle.txt" &
client=$!
for _ in $(seq 600); do grep -q '^open=' "$out/idle.txt" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
rss="$(rss_kib "$pid")"
wait "$client" || true
kill "$pid"; wait "$pid" 2>/dev/null || true
awk -v a="$rss" -v b="$before" -v n="$count" -v o="$(cat "$out/idle.txt")" \
  'BEGIN {printf "%.1f %.1f %.1f %s\n", a / 1024, (a - b) / n, b / 1024, o}'
