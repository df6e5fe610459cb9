# moneytrail: the two commands a newcomer needs are `make demo` and `make test`.
# Both install Debian's packages if missing (scripts/install-deps), configure and build.

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PY := /usr/bin/python3

.PHONY: all deps configure build test test-slow test-asan fuzz fuzz-build fuzz-smoke demo bench clean

all: build

deps:
	@bash scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython3_EXECUTABLE=$(PY) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The default suite: everything not labelled slow.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE slow

test-slow: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L slow

# The suite under AddressSanitizer and UndefinedBehaviorSanitizer (a Debug build in ASAN_DIR;
# any UB report fails its test: -fno-sanitize-recover). Tests run 2-20x slower than in the
# release build, so each gets ASAN_TIMEOUT seconds; the slow label stays excluded, as in `make
# test`. ASAN_CMAKE_FLAGS adds configure options, e.g. -DMONEYTRAIL_ONLY=... with
# -DMONEYTRAIL_VERBS=... while others' modules are mid-change.
ASAN_TIMEOUT ?= 1800
ASAN_CMAKE_FLAGS ?=
test-asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DMONEYTRAIL_SANITIZE=ON \
	  -DMONEYTRAIL_BUILD_BENCHMARKS=OFF -DPython3_EXECUTABLE=$(PY) $(CMAKE_FLAGS) $(ASAN_CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && \
	  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/common/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE slow --timeout $(ASAN_TIMEOUT)

# libFuzzer harnesses (fuzz/, docs/fuzzing.md): a clang-14 build in FUZZ_DIR of only the modules
# the harnesses need, with ASan+UBSan, at -O1 without debug information (build type "Fuzz": a
# finding's reproducer is re-run under a debugger in a debug build), through ccache when it is
# installed; then each harness runs FUZZ_SECONDS. A finding fails the target and leaves its
# reproducer in FUZZ_DIR/crashes/. `make fuzz-smoke` runs each for 20 s (CI, after the tests).
# FUZZERS picks harnesses, e.g. FUZZERS="fuzz_native_csv fuzz_end_to_end"; FUZZ_MODULES picks
# the modules built (a harness whose libraries are not among them is skipped), e.g.
# FUZZ_MODULES="$(FUZZ_PARSER_MODULES)" for the parser and configuration harnesses alone.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS ?=
FUZZ_PARSER_MODULES := common;formats;enrich;statements;io;store;rules
FUZZ_MODULES ?= $(FUZZ_PARSER_MODULES);graph;patterns;trace;model;proof;report;cases
FUZZ_LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)
fuzz-build: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=Fuzz \
	  -DCMAKE_CXX_FLAGS_FUZZ=-O1 $(FUZZ_LAUNCHER) \
	  -DMONEYTRAIL_FUZZ=ON -DMONEYTRAIL_BUILD_TESTS=OFF -DMONEYTRAIL_BUILD_BENCHMARKS=OFF \
	  -DMONEYTRAIL_WERROR=ON "-DMONEYTRAIL_ONLY=$(FUZZ_MODULES)" $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	bash fuzz/run $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZERS)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=20

demo: build
	bash scripts/demo $(BUILD_DIR)

bench: build
	@echo "see bench/README.md for the benchmark scripts"

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
