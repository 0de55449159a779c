#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang and ASan in build-fuzz and runs each for
# FUZZ_SECONDS (default 60), starting from the seed corpus in tests/fuzz/corpus/<target>. New inputs go to
# build-fuzz/corpus/<target> (the seeds stay as they are); a crash stops the run with the input saved there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
seconds="${FUZZ_SECONDS:-60}"
# -O1 with line tables only, asserts kept: what libFuzzer suggests for short runs; it compiles in about half the time
# of -O2 -g (CI builds the targets from nothing every time, and runs each only seconds).
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" \
  -DCMAKE_C_FLAGS_FUZZ="-O1 -gline-tables-only" -DGATEHOUSE_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
targets=(cookie_session redirect forwarded original_request jws cfg_file ext_authz http_request page_template
  grpc_check_request h2_session)
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/%/_fuzz}"
for t in "${targets[@]}"; do
  seeds="$root/tests/fuzz/corpus/$t"
  work="$build/corpus/$t"
  mkdir -p "$work" "$build/crashes/$t"
  echo "fuzz: $t for ${seconds}s"
  "$build/tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -print_final_stats=0 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/crashes/$t/" "$work" "$seeds" >"$build/$t.log" 2>&1 || {
      echo "fuzz: $t found a failure (input in $build/crashes/$t/):" >&2
      tail -40 "$build/$t.log" >&2
      exit 1
    }
  grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units" "$build/$t.log" | tail -1 || true
done
echo "fuzz: no failure in ${#targets[@]} targets"
