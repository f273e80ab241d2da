# Thin wrapper around CMake.  The two commands a new user needs:
#   make run    install what is missing, build, run the default scenario into out/
#   make test   install what is missing, build, run every test (ctest)
# Others: make asan (tests under ASan+UBSan), make bench, make plots,
# make fuzz, make clean.

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
WERROR     ?= $(if $(CI),ON,OFF)
CMAKE_ARGS ?=
RUN_ARGS   ?=

DEB_PACKAGES = cmake make gcc pkg-config libgsl-dev libcairo2-dev libcmocka-dev fonts-dejavu-core zlib1g-dev

.PHONY: all deps build run test asan bench fuzz plots clean

all: build

# Installs the build dependencies when something is missing: with apt-get
# when root, otherwise prints the exact command to run.
deps:
	@missing=0; \
	for c in cmake pkg-config cc; do command -v $$c >/dev/null 2>&1 || missing=1; done; \
	if [ $$missing = 0 ]; then pkg-config --exists gsl cairo fontconfig cmocka zlib 2>/dev/null || missing=1; fi; \
	if [ $$missing = 0 ] && command -v fc-list >/dev/null 2>&1; then fc-list | grep -q DejaVuSans || missing=1; fi; \
	if [ $$missing = 1 ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing build dependencies: $(DEB_PACKAGES)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) || exit 1; \
	  elif command -v apt-get >/dev/null 2>&1; then \
	    echo "Missing build dependencies. Install them with:"; \
	    echo "  sudo apt-get install -y $(DEB_PACKAGES)"; exit 1; \
	  else \
	    echo "Missing build dependencies: a C11 compiler, cmake >= 3.16, pkg-config, GSL, cairo and cmocka development files."; exit 1; \
	  fi; \
	fi

build: deps
	@cmake -S . -B $(BUILD) -DWALSIM_WERROR=$(WERROR) $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/walsim run $(RUN_ARGS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DWALSIM_SANITIZE=ON -DWALSIM_WERROR=$(WERROR) $(CMAKE_ARGS)
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# The charts of every scenario in scenarios/, into plots/NAME/ (committed,
# shown in the README and docs/guide-claims.md).  Same input, same bytes:
# running it twice changes no file.
plots: build
	@for f in scenarios/*.conf; do \
	  n=$$(basename $$f .conf); \
	  echo "plots/$$n"; \
	  ./$(BUILD)/walsim run $$f --quiet --out $(BUILD)/plots/$$n || exit 1; \
	  rm -rf plots/$$n; mkdir -p plots/$$n; \
	  cp $(BUILD)/plots/$$n/*.png $(BUILD)/plots/$$n/summary.json plots/$$n/ || exit 1; \
	done

bench: build
	./$(BUILD)/bench_engine
	./$(BUILD)/bench_model
	tests/bench/bench_charts.sh ./$(BUILD)/walsim .

# libFuzzer build of the scenario parser (needs clang); runs for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DWALSIM_FUZZ=ON -DWALSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-fuzz -j $(JOBS) --target fuzz_scenario
	mkdir -p build-fuzz/corpus
	./build-fuzz/fuzz_scenario -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus tests/fuzz/corpus

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz
