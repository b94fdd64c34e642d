#!/usr/bin/env bash
# Reads the output of `swift test` (file $1, exit status $2) and prints one line:
#   tests: N ran, P passed, F failed, S skipped (K parts of tests skipped)
# from swift-testing's own report: the "Test run with N tests" summary (which counts skipped tests
# too), one "➜ Test … skipped" line per skipped test (a skipped suite reports each of its tests),
# "➜ Test … was cancelled" for a test that cancelled itself for a missing tool
# (`RequiredTools.check`), "✘ Test … failed after" per failed test, and the "skipped: " lines a test
# prints when it leaves out a part for a missing tool (`RequiredTools.present`).
# Exits with the test run's status; under CI=true also non-zero when anything was skipped.
set -uo pipefail
log=$1
status=$2
total=$(grep -aoE 'Test run with [0-9]+ tests?' "$log" | grep -oE '[0-9]+' | tail -n 1)
skipped=$(grep -acE '^➜ Test .* (skipped|was cancelled)' "$log")
failed=$(grep -aE '^✘ Test .* failed after ' "$log" | grep -acvE '^✘ Test (run|case) ')
parts=$(grep -acE '^skipped: ' "$log")
total=${total:-0}
ran=$((total - skipped))
passed=$((ran - failed))
echo "tests: $ran ran, $passed passed, $failed failed, $skipped skipped ($parts parts of tests skipped)"
if [ "$status" -ne 0 ]; then
  echo "error: the test run failed (exit $status)"
  exit "$status"
fi
if [ "$total" -eq 0 ]; then
  echo "error: no swift-testing summary in the output (did the test run start?)"
  exit 1
fi
if [ "${CI:-}" = "true" ] && [ $((skipped + parts)) -gt 0 ]; then
  echo "error: CI=true and $((skipped + parts)) tests or parts of tests were skipped (listed above with ➜ or skipped:)"
  grep -aE '^➜ Test .* (skipped|was cancelled)|^skipped: ' "$log" | sort -u | head -n 40
  exit 1
fi
