# Quick start: `make run` simulates the 2021 election day; `make test` runs the test suite.
# Both install missing Debian packages first (scripts/install-deps.sh) and build what is out of date.
PRESET ?= release
BUILD := build/$(PRESET)
SCENARIO ?= scenarios/election-night-2021.yaml
ARGS ?=

.PHONY: run test build deps configure bench asan sanitize tsan fuzz-smoke clean

run: build
	$(BUILD)/apps/shailoo run $(SCENARIO) --out out $(ARGS)

test: build
	ctest --preset $(PRESET)

build: configure
	cmake --build --preset $(PRESET)

configure: deps
	@[ -f $(BUILD)/CMakeCache.txt ] || cmake --preset $(PRESET)

deps:
	@scripts/install-deps.sh

# ASan + UBSan build of everything, then the tests.
asan:
	$(MAKE) test PRESET=asan

# The sanitizer presets (CMakePresets.json) keep line tables only (-g1, -gline-tables-only): reports
# still name file and line, and CI builds markedly faster than with full debug information.
# ASan + UBSan over the real code's tests only (core, kernel, devices, station, net, central, regressions):
# what CI runs besides `make test` (.ci/run), a few minutes on 2 cores.
SANITIZED_TESTS := test_core test_kernel test_devices test_station test_net test_central test_regressions
sanitize: deps
	@[ -f build/asan/CMakeCache.txt ] || cmake --preset asan
	cmake --build --preset asan --target $(SANITIZED_TESTS)
	@for t in $(SANITIZED_TESTS); do \
	  echo "== $$t under ASan + UBSan"; \
	  build/asan/tests/$$t --gtest_brief=1 || exit 1; \
	done

# ThreadSanitizer (clang 16, cmake --preset tsan) over the multithreaded tests: the event kernel and
# the world run on several threads (results must not depend on the thread count). Left out for CI's
# time, each a minute or more under TSan and no thread code of its own: the whole-country calibration,
# the staffing planner's many nights, the CEC-outage night and the cyber incidents' nights (the same world code runs in the Talas tests).
TSAN_TESTS := test_kernel test_sim
TSAN_FILTER := -Calibration.*:StaffingPlan.*:World.ReportsSentWhileTheCecIsDown*:Incidents.*
tsan: deps
	@[ -f build/tsan/CMakeCache.txt ] || cmake --preset tsan
	cmake --build --preset tsan --target $(TSAN_TESTS)
	@for t in $(TSAN_TESTS); do \
	  echo "== $$t under ThreadSanitizer"; \
	  TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/$$t --gtest_brief=1 --gtest_filter='$(TSAN_FILTER)' || exit 1; \
	done

# libFuzzer (clang 16, ASan + UBSan, cmake --preset fuzz) over every fuzz target of tests/fuzz/, each
# for FUZZ_SECONDS on a copy of its corpus: a crash, leak or sanitizer report fails. Not in CI (its
# build would take CI too near its 30 minutes; docs/reliability.md, "Cost in CI"): `make test` runs
# the same targets once over their corpora without libFuzzer. Long sessions: scripts/fuzz.sh
# (tests/fuzz/README.md).
FUZZ_TARGETS := wire ingest ingest_signed http_request votes_csv package scenario drill_record drill_script drill_file rate_profile
FUZZ_SECONDS ?= 5
fuzz-smoke: deps
	@[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz
	cmake --build --preset fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Side-by-side benchmarks (Release). Their tools are not in the default build (`make test`, CI):
# the target `benchmarks` builds them (bench/CMakeLists.txt).
bench: build
	cmake --build --preset $(PRESET) --target benchmarks
	bench/compare-simpy.sh $(BUILD)
	$(BUILD)/bench/bench_identification
	bench/bench-serve.sh $(BUILD)

clean:
	rm -rf build out
