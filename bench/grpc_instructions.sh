#!/usr/bin/env bash
# Instructions one gRPC ext_authz Check costs (cookie session, allowed, request log on), counted by callgrind on
# the server while h2load sends a prebuilt Check (BODY: gRPC's prefix and the CheckRequest) a given number of
# times, 8 streams in flight on each of 4 connections (GRPC_CONNECTIONS, GRPC_STREAMS); two runs of different
# length, the difference in instructions divided by the difference in calls, so start-up and shutdown cancel out.
# How many calls arrive in one read depends on the two processes' timing, which moves the figure by a few percent
# from run to run: three pairs are run and their median printed. Keeps the profiles in bench/output/callgrind-grpc.*.
# Usage: bench/grpc_instructions.sh BUILD_DIR HTTP_PORT GRPC_PORT COOKIE_SECRET BODY [flags…]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1" http_port="$2" grpc_port="$3" secret="$4" body="$5"
shift 5
flags=("$@")
out="$root/bench/output"
mkdir -p "$out"
run() {  # run CALLS: prints the instructions of the whole run
  local file="$out/callgrind-grpc.$1"
  valgrind --tool=callgrind --callgrind-out-file="$file" "$build/src/gatehouse" --provider=oidc \
    --oidc-issuer-url=https://idp.example.com --client-id=bench --client-secret=bench --cookie-secret="$secret" \
    --email-domain=example.com --http-address="127.0.0.1:$http_port" --grpc-address="127.0.0.1:$grpc_port" \
    --set-xauthrequest=true --pass-access-token=true --workers=1 "${flags[@]}" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$grpc_port") 2>/dev/null && break; sleep 0.1; done
  h2load -n "$1" -c "${GRPC_CONNECTIONS:-4}" -m "${GRPC_STREAMS:-8}" -t 1 -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$grpc_port/envoy.service.auth.v3.Authorization/Check" >"$out/callgrind-grpc.$1.h2load"
  grep -q "$1 succeeded, 0 failed" "$out/callgrind-grpc.$1.h2load" || { echo "grpc_instructions: calls failed" >&2; exit 1; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk '/^(summary|totals):/ {print $2; exit}' "$file"
}
for _ in 1 2 3; do
  short="$(run 2000)"
  long="$(run 6000)"
  awk -v a="$long" -v b="$short" 'BEGIN {printf "%.0f\n", (a - b) / 4000}'
done | sort -n | sed -n 2p
