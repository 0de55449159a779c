#!/usr/bin/env bash
# Instructions one /oauth2/auth costs (cookie session, identity headers, request log on unless the flags say
# otherwise), counted by callgrind: a figure that does not move with the machine's noise. Two runs of different
# length on one keep-alive connection (curl with the URL repeated); the difference in instructions divided by the
# difference in requests, so start-up and shutdown cancel out. Prints the number; keeps the profiles in
# bench/output/callgrind.* for callgrind_annotate.
# Usage: bench/instructions.sh BUILD_DIR PORT COOKIE_SECRET COOKIE [flags…]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1" port="$2" secret="$3" cookie="$4"
shift 4
out="$root/bench/output"
mkdir -p "$out"
run() {
  local count="$1" file="$out/callgrind.$1"
  shift
  valgrind --tool=callgrind --callgrind-out-file="$file" "$build/src/gatehouse" --provider=oidc \
    --oidc-issuer-url=https://idp.example.com --client-id=bench --client-secret=bench --cookie-secret="$secret" \
    --email-domain=example.com --http-address="127.0.0.1:$port" --set-xauthrequest=true --pass-access-token=true \
    --workers=1 "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  local urls=()
  for _ in $(seq "$count"); do urls+=("http://127.0.0.1:$port/oauth2/auth"); done
  curl -s -o /dev/null -H "Cookie: $cookie" "${urls[@]}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk '/^(summary|totals):/ {print $2; exit}' "$file"
}
short="$(run 1000 "$@")"
long="$(run 3000 "$@")"
awk -v a="$long" -v b="$short" 'BEGIN {printf "%.0f\n", (a - b) / 2000}'
