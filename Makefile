# Relance — the same targets locally and in CI (.ci/run calls `make test`).
#   make demo   install what is missing, build, and run the ingest on the shipped demo data
#   make test   install what is missing, build with checks, and run the whole test suite
#   make bench  generate data at scale and print throughput and peak memory per stage
#   make report-check  render the morning page, every report, trends and two debtor pages in headless
#                      chromium (PNG + A4 PDF); fail when a page is not A4 or a table is wider than A4

SHELL := /bin/bash
SWIFT ?= swift
DEMO_DIR ?= demo-workspace
DEMO_AS_OF ?= 2026-11-21
BENCH_SCALE ?= 1
BUILD_FLAGS ?= --explicit-target-dependency-import-check error

.PHONY: deps build test demo bench bench-billing bench-nightly bench-storage gen clean lint report-check

# Debian packages the build, the tests and the benchmark need (installed only when missing).
deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Builds everything with the import check, fails on any warning in our own code, runs all tests,
# and prints how many ran, passed, failed and were skipped (scripts/test-summary.sh reads
# swift-testing's report). A test skips only for a missing tool (aiosmtpd, poppler, zbar, the
# binary, ../shared); under CI=true (and in .ci/run) RELANCE_REQUIRE_TOOLS=1 turns every such skip
# into a failure, and any skipped test fails the run. Opt-in benchmarks (TEST_SKIP) are left out.
TEST_SKIP ?= LetterBenchmark
test: export RELANCE_REQUIRE_TOOLS := $(if $(filter true,$(CI)),1,$(RELANCE_REQUIRE_TOOLS))
test: deps
	@$(SWIFT) build --build-tests $(BUILD_FLAGS) 2>&1 | tee .build-test.log | grep -vE '^\[[0-9]+/[0-9]+\]' ; test $${PIPESTATUS[0]} -eq 0
	@if grep -E '^/.*/(Sources|Tests)/.*: warning:' .build-test.log | grep -v '/.build/' | sort -u | grep . ; then \
		echo "error: warnings in Relance's own code (listed above)"; rm -f .build-test.log; exit 1; fi
	@rm -f .build-test.log
	@set -o pipefail; $(SWIFT) test --skip-build $(if $(TEST_SKIP),--skip $(TEST_SKIP)) 2>&1 | tee .test.log; status=$$?; \
		scripts/test-summary.sh .test.log $$status; status=$$?; rm -f .test.log; exit $$status

demo: build
	@scripts/demo.sh "$(DEMO_DIR)" "$(DEMO_AS_OF)"

bench: deps
	@scripts/bench.sh "$(BENCH_SCALE)"

bench-billing: deps ; @scripts/bench-billing.sh $(CONTRACTS)
# The whole nightly on a workspace of relance-gen's base files with their reminder history (built once
# per scale): NIGHTS (30) warm-up nights of relance-gen's daily flow, then the measured night (SMTP to
# smtp-sink); e.g. make bench-nightly BENCH_SCALE=0.1 NIGHTS=5. Options: scripts/bench-nightly.sh.
bench-nightly: deps ; @NIGHTS=$(NIGHTS) FLOW_INVOICES=$(FLOW_INVOICES) WARMUP_FULL=$(WARMUP_FULL) CATCHUP=$(CATCHUP) scripts/bench-nightly.sh $(BENCH_SCALE)
# Database bytes per reminder on the demo workspace over NIGHTS consecutive nights (debug build).
bench-storage: build ; @scripts/bench-storage.sh $(NIGHTS)
# Not part of `test`: installs Debian's chromium when missing; screenshots and PDFs in report-check/.
report-check: deps
	@scripts/report-screenshot.sh report-check "$(DEMO_AS_OF)"

gen: deps
	$(SWIFT) build -c release --product relance-gen
	.build/release/relance-gen --out bench-data/scale-$(BENCH_SCALE) --scale $(BENCH_SCALE)

clean:
	rm -rf .build $(DEMO_DIR) bench-data report-check
