#!/usr/bin/env bash
# Installs what building, testing, the demo and the benchmark need, from Debian's packages and npm.
# Idempotent: installs only what is missing, so a second run costs a few dpkg queries.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libboost1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev libgtest-dev libyaml-cpp-dev
  nginx-light wrk openssl curl util-linux procps
  libhiredis-dev redis-server redis-sentinel redis-tools
  libnghttp2-dev nghttp2-client libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler caddy chromium
  clang libclang-rt-14-dev
  golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev valgrind
  libcrypt-dev apache2-utils
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  # nginx's package starts a system nginx on port 80; tests run their own, so keep it from starting
  # (only with a policy-rc.d of our own: an existing one is left as it is).
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi

# npm test tools (the integration tests' own dependencies, pinned by the lock file).
root="$(cd "$(dirname "$0")/.." && pwd)"
# Reinstalled whenever the lock file changes (its hash is kept beside the modules).
lock="$root/tests/integration/package-lock.json"
stamp="$root/tests/integration/node_modules/.gatehouse-lock-sha256"
if [ -f "$lock" ] && [ "$(sha256sum "$lock" | cut -d' ' -f1)" != "$(cat "$stamp" 2>/dev/null)" ]; then
  (cd "$root/tests/integration" && npm ci --no-audit --no-fund)
  sha256sum "$lock" | cut -d' ' -f1 >"$stamp"
fi
echo "deps: ready"
