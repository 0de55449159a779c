# Gatehouse: `make demo` starts a local stack, `make test` runs every test. Both install what is missing.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)

.PHONY: all deps build test unit integration demo bench clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DGATEHOUSE_WERROR=$${GATEHOUSE_WERROR:-OFF} >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

integration: build
	@GATEHOUSE_BUILD_DIR=$(abspath $(BUILD_DIR)) node --test --test-concurrency=1 tests/integration/

test: unit integration

demo: build
	@GATEHOUSE_BUILD_DIR=$(abspath $(BUILD_DIR)) ./scripts/demo.sh

bench: build
	@GATEHOUSE_BUILD_DIR=$(abspath $(BUILD_DIR)) ./bench/run.sh

clean:
	rm -rf $(BUILD_DIR)
