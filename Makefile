# Gatehouse: `make demo` starts a local stack, `make test` runs every test. Both install what is missing.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Test files run one at a time on Node 20+ (timing tests share 2 cores); Node 18 lacks the flag.
NODE_TEST_FLAGS ?= $(shell node -e 'process.stdout.write(+process.versions.node.split(".")[0] >= 20 ? "--test-concurrency=1" : "")' 2>/dev/null)

.PHONY: all deps build test unit integration test-asan test-tsan fuzz demo bench clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DGATEHOUSE_WERROR=$${GATEHOUSE_WERROR:-OFF} >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

integration: build
	@rm -rf $(BUILD_DIR)/test-output/gatehouse-logs $(BUILD_DIR)/test-output/secrets-used.txt
	@GATEHOUSE_BUILD_DIR=$(abspath $(BUILD_DIR)) node --test $(NODE_TEST_FLAGS) tests/integration/
	@node tests/integration/check_logs_for_secrets.mjs $(BUILD_DIR)/test-output

test: unit integration

# The whole suite against AddressSanitizer + UndefinedBehaviorSanitizer, or ThreadSanitizer (own build folders).
test-asan: deps
	@./scripts/test-sanitized.sh asan

test-tsan: deps
	@./scripts/test-sanitized.sh tsan

# libFuzzer targets (clang, ASan), each run for FUZZ_SECONDS (default 60).
fuzz: deps
	@./scripts/fuzz.sh

demo: build
	@GATEHOUSE_BUILD_DIR=$(abspath $(BUILD_DIR)) node scripts/demo.mjs

bench: build
	@GATEHOUSE_BUILD_DIR=$(abspath $(BUILD_DIR)) ./bench/run.sh

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz
