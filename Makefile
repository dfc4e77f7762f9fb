# Thin wrapper around CMake for the README's commands.
#   make            build build/custos
#   make test       build and run the whole suite (ctest)
#   make test SANITIZE=1   the same under ASan+UBSan, in build-asan/
#   make run        start a demo server on the embedded default (SQLite)
#   make fuzz       build the libFuzzer targets with clang in build-fuzz/
#   make bench      run the benchmarks in bench/

ifeq ($(SANITIZE),1)
BUILD ?= build-asan
CMFLAGS = -DCU_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
else
BUILD ?= build
CMFLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure test run fuzz bench clean

all: configure
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@sh scripts/install-deps.sh build

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(CMFLAGS) >/dev/null

test: configure
	@sh scripts/install-deps.sh test
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

run: all
	@sh scripts/install-deps.sh run
	@sh scripts/run-demo.sh $(BUILD)/custos

fuzz: deps
	@cmake -S . -B build-fuzz -DCU_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

bench: all
	@sh scripts/install-deps.sh all
	@for b in bench/*/run.sh; do echo "== $$b"; bash $$b $(BUILD)/custos || exit 1; done

clean:
	rm -rf build build-asan build-fuzz
