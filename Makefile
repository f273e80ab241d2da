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

DEB_PACKAGES = cmake make gcc pkg-config libgsl-dev libcairo2-dev libcmocka-dev fonts-dejavu-core zlib1g-dev libpq-dev

.PHONY: all deps build run test asan bench bench-sampling bench-week fuzz plots clean

all: build

# Installs the build dependencies when something is missing: with apt-get
# when root, otherwise prints the exact command to run.
deps:
	@missing=0; \
	for c in cmake pkg-config cc; do command -v $$c >/dev/null 2>&1 || missing=1; done; \
	if [ $$missing = 0 ]; then pkg-config --exists gsl cairo fontconfig cmocka zlib libpq 2>/dev/null || missing=1; fi; \
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

# Page and transaction sampling: CPU, peak memory and each headline figure's
# error against the exact run, every shipped scenario, the validation
# scenario and tests/bench/big-oltp.conf (an hour of 50,000 tps; long: the
# exact run alone takes about 7 CPU-minutes).  docs/engine.md has the last
# results.  SAMPLING_RATES: items R or R/Q (tx_sampling Q).
SAMPLING_RATES ?= 1 0.1 0.01 0.001 auto auto/0.1 auto/0.01 auto/0.001 auto/auto
bench-sampling: build
	RATES="$(SAMPLING_RATES)" tests/bench/bench_sampling.sh ./$(BUILD)/walsim .

# Issue 20's week: tests/bench/big-oltp.conf for 7 simulated days at each
# transaction sampling rate of WEEK_RATES (default auto: 1 in 1,000):
# CPU seconds, peak memory and the headline figures (about 4-5 CPU-minutes at
# auto).  docs/engine.md has the last results.
bench-week: build
	tests/bench/bench_week.sh ./$(BUILD)/walsim .

# libFuzzer targets (tests/fuzz/fuzz_NAME.c, needs clang), built with ASan
# and UBSan at -O2 in build-fuzz/, run one after another for FUZZ_SECONDS
# each, with the target's dictionary; new inputs go to build-fuzz/corpus-NAME
# (the committed corpus is read, not written).  FUZZ_TARGETS picks targets;
# FUZZ_ARGS passes more libFuzzer flags.  A crash stops the run with the
# target's reproducer in build-fuzz/ (docs/fuzzing.md says what to do).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= scenario import readers roundtrip
FUZZ_ARGS    ?=
FUZZ_CORPUS_scenario  = tests/fuzz/corpus
FUZZ_CORPUS_import    = tests/fuzz/corpus_import
FUZZ_CORPUS_readers   = tests/fuzz/corpus-readers
FUZZ_CORPUS_roundtrip = tests/fuzz/corpus-roundtrip
fuzz: deps
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DWALSIM_FUZZ=ON -DWALSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWALSIM_WERROR=$(WERROR) $(CMAKE_ARGS) >/dev/null
	cmake --build build-fuzz -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  case $$t in scenario) c=$(FUZZ_CORPUS_scenario);; import) c=$(FUZZ_CORPUS_import);; \
	    readers) c=$(FUZZ_CORPUS_readers);; roundtrip) c=$(FUZZ_CORPUS_roundtrip);; \
	    *) echo "unknown fuzz target $$t"; exit 2;; esac; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  mkdir -p build-fuzz/corpus-$$t; \
	  (cd build-fuzz && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	     -dict=../tests/fuzz/fuzz_$$t.dict $(FUZZ_ARGS) corpus-$$t ../$$c) || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz

# Install and packaging (issue 17).  make install PREFIX=DIR installs the
# command, library, header, pkg-config file, man page, completion and the
# scenarios (DESTDIR is honoured too); make deb builds build/walsim_*.deb.
PREFIX ?= /usr/local
.PHONY: install uninstall deb
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

# Removes what the last make install installed (CMake's install_manifest.txt).
uninstall:
	@test -f $(BUILD)/install_manifest.txt || { echo "nothing installed from $(BUILD)"; exit 1; }
	xargs -d '\n' rm -f -- < $(BUILD)/install_manifest.txt

# dpkg-shlibdeps (dpkg-dev) computes the package's Depends: installed with
# apt-get when root, as make deps does.
deb: build
	@command -v dpkg-shlibdeps >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev || exit 1; \
	  else \
	    echo "make deb needs dpkg-shlibdeps: sudo apt-get install -y dpkg-dev"; exit 1; \
	  fi
	cd $(BUILD) && cpack -G DEB
