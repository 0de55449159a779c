#!/usr/bin/env bash
# Instructions one gRPC ext_authz Check costs (cookie session, allowed, request log on), counted by callgrind on
# the server while bench/grpc_load.cpp drives it for two different lengths of time; the difference in
# instructions divided by the difference in calls answered. Prints the number; keeps the profiles in
# bench/output/callgrind-grpc.*.
# Usage: bench/grpc_instructions.sh BUILD_DIR HTTP_PORT GRPC_PORT COOKIE_SECRET COOKIE [flags…]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1" http_port="$2" grpc_port="$3" secret="$4" cookie="$5"
shift 5
flags=("$@")
out="$root/bench/output"
mkdir -p "$out"
run() {  # run SECONDS: prints "calls instructions"
  local file="$out/callgrind-grpc.$1"
  valgrind --tool=callgrind --callgrind-out-file="$file" "$build/src/gatehouse" --provider=oidc \
    --oidc-issuer-url=https://idp.example.com --client-id=bench --client-secret=bench --cookie-secret="$secret" \
    --email-domain=example.com --http-address="127.0.0.1:$http_port" --grpc-address="127.0.0.1:$grpc_port" \
    --set-xauthrequest=true --pass-access-token=true --workers=1 "${flags[@]}" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$grpc_port") 2>/dev/null && break; sleep 0.1; done
  local calls
  calls="$("$build/bench/gatehouse-grpc-load" --target="127.0.0.1:$grpc_port" --cookie="$cookie" --seconds="$1" \
    --concurrency=32 --channels=4 --print=count)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$calls $(awk '/^(summary|totals):/ {print $2; exit}' "$file")"
}
read -r short_calls short_ir < <(run 3)
read -r long_calls long_ir < <(run 9)
awk -v a="$long_ir" -v b="$short_ir" -v c="$long_calls" -v d="$short_calls" 'BEGIN {printf "%.0f\n", (a - b) / (c - d)}'
