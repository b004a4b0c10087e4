#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance)
# against the fastmcp-java conformance fixture server, in up to three runs:
#
#   active      @0.1.16 (npm's latest), suite 'active': every scenario must pass. It stays
#               until 0.2.0 is released as latest.
#   2025-11-25  @0.2.0-alpha.12 --requirements 2025-11-25: every scored scenario must pass.
#   2026-07-28  @0.2.0-alpha.12 --requirements 2026-07-28, a ratchet: the scored scenarios
#               listed in .ci/conformance/2026-07-28.expected must pass; the others are
#               reported as not passing yet. Unscored scenarios (tasks-*, pending) are reported, and
#               required when the file lists them.
#
# .ci/conformance/report.mjs judges the two requirement runs from the suite's per-scenario
# checks.json files and prints every scenario's result and the count.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B package`).
# Needs: java 17+, npm (any Node version; Node 22 is installed locally via npm), curl.
#
# Optional environment:
#   CONFORMANCE_RUNS         the runs, space-separated (default: "active 2025-11-25 2026-07-28")
#   CONFORMANCE_PORT         fixed port for the fixture (default: a free port)
#   CONFORMANCE_HOST         host name used in URLs (default: localhost)
#   CONFORMANCE_SUITE        --suite value of the active run: active|all|pending (default: active)
#   CONFORMANCE_SCENARIO     the active run runs only this scenario (--scenario) instead of a suite
#   CONFORMANCE_TIMEOUT      seconds allowed for each run (default: 600)
#   CONFORMANCE_OUT_DIR      output directory, wiped at start (default: target/conformance);
#                            holds server.log; for the active run suite.log and
#                            conformance-results/<scenario>/checks.json; for each requirement run
#                            <revision>/suite.log, <revision>/report.txt and
#                            <revision>/conformance-results/<scenario>/checks.json
#   HEALTH_TIMEOUT           seconds to wait for /health (default: 60)
#   CONFORMANCE_JAR          fixture jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                     java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONFORMANCE_VERSION="0.1.16"
REQUIREMENTS_VERSION="0.2.0-alpha.12"
NODE_MAJOR="22"
TOOLS_DIR="$ROOT/.ci/.tools/conformance"
REQUIREMENTS_TOOLS_DIR="$ROOT/.ci/.tools/conformance-0.2"
REPORT="$ROOT/.ci/conformance/report.mjs"
EXPECTED_2026="$ROOT/.ci/conformance/2026-07-28.expected"
RUNS="${CONFORMANCE_RUNS:-active 2025-11-25 2026-07-28}"
JAR="${CONFORMANCE_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
HOST="${CONFORMANCE_HOST:-localhost}"
SUITE="${CONFORMANCE_SUITE:-active}"
SCENARIO="${CONFORMANCE_SCENARIO:-}"
SUITE_TIMEOUT="${CONFORMANCE_TIMEOUT:-600}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${CONFORMANCE_OUT_DIR:-$ROOT/target/conformance}"
JAVA="${JAVA:-java}"
RESULTS_DIR="$OUT_DIR/conformance-results"
SERVER_LOG="$OUT_DIR/server.log"
SUITE_LOG="$OUT_DIR/suite.log"

# ---------------------------------------------------------------------------
section "Conformance: checking prerequisites"
need java npm curl "$REPORT" "$EXPECTED_2026" "$JAR"
echo "fixture jar: ${JAR#"$ROOT"/}"
[[ -n "${RUNS//[[:space:]]/}" ]] || die "CONFORMANCE_RUNS names no run"
for run in $RUNS; do
  case "$run" in
    active|2025-11-25|2026-07-28) ;;
    *) die "unknown run '$run' in CONFORMANCE_RUNS (known: active 2025-11-25 2026-07-28)" ;;
  esac
done

CONF_PKG="node_modules/@modelcontextprotocol/conformance"
CONF="$TOOLS_DIR/$CONF_PKG/dist/index.js"
REQUIREMENTS_PKG="$REQUIREMENTS_TOOLS_DIR/$CONF_PKG"

# ---------------------------------------------------------------------------
section "Conformance: installing suites @$CONFORMANCE_VERSION and @$REQUIREMENTS_VERSION and Node $NODE_MAJOR (local, git-ignored)"
# A directory of its own for each version of the suite (npm keeps one version of a package per directory); Node is
# installed with the first, and runs both.
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION"
npm_tools "$REQUIREMENTS_TOOLS_DIR" "" "@modelcontextprotocol/conformance@$REQUIREMENTS_VERSION"

# ---------------------------------------------------------------------------
section "Conformance: choosing a port"
PORT="$(choose_port "${CONFORMANCE_PORT:-}")" || die "no port for the fixture (CONFORMANCE_PORT)"
BASE_URL="http://$HOST:$PORT"
echo "port: $PORT  (MCP endpoint: $BASE_URL/mcp)"

# ---------------------------------------------------------------------------
section "Conformance: starting fixture server"
case "$OUT_DIR" in
  ""|/|"$ROOT"|"$ROOT/") die "refusing to wipe output directory '$OUT_DIR'" ;;
esac
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
SERVER_PID=""
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$?
  trap - INT TERM
  stop_run "conformance suite"
  stop_pid "$SERVER_PID" "fixture server"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FASTMCP_PORT="$PORT" "$JAVA" -jar "$JAR" conformance >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "fixture server pid $SERVER_PID, log: ${SERVER_LOG#"$ROOT"/}"

wait_for_health "$BASE_URL/health" "$SERVER_PID" "fixture server" "$SERVER_LOG" "$HEALTH_TIMEOUT" \
  || die "the fixture server is not healthy"
echo "fixture server healthy at $BASE_URL/health"

# run_suite LOG ARGS...: runs the suite (node ARGS) with its output in LOG and echoed, and sets SUITE_STATUS.
run_suite() {
  local log="$1"
  shift
  run_logged "$log" timeout "$SUITE_TIMEOUT" "$NODE" "$@"
  SUITE_STATUS=$RUN_STATUS
  if [[ $SUITE_STATUS -eq 124 ]]; then
    echo "conformance suite TIMED OUT after ${SUITE_TIMEOUT}s" >&2
    show_log "server log" "$SERVER_LOG"
  elif ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "note: the fixture server is no longer running" >&2
    show_log "server log" "$SERVER_LOG"
  fi
}

SUMMARY=()
FAILED=0
# outcome RUN VERDICT DETAIL: records one run's line for the closing summary.
outcome() {
  SUMMARY+=("$(printf '%-42s %-7s %s' "$1" "$2" "$3")")
  [[ "$2" == "PASSED" ]] || FAILED=1
}

# ---------------------------------------------------------------------------
run_active() {
  local what select
  if [[ -n "$SCENARIO" ]]; then
    select=(--scenario "$SCENARIO"); what="scenario '$SCENARIO'"
  else
    select=(--suite "$SUITE"); what="suite '$SUITE'"
  fi
  section "Conformance @$CONFORMANCE_VERSION: running $what against $BASE_URL/mcp"
  mkdir -p "$RESULTS_DIR"
  run_suite "$SUITE_LOG" "$CONF" server --url "$BASE_URL/mcp" "${select[@]}" -o "$RESULTS_DIR"
  local total_line
  total_line="$(sed -e 's/\x1b\[[0-9;]*m//g' "$SUITE_LOG" | grep -E '^[[:space:]]*(Total|Passed):' | tail -n 1 || true)"
  total_line="${total_line:-Total: (no Total line found in suite output)}"
  echo "results: ${RESULTS_DIR#"$ROOT"/}/*/checks.json"
  echo "log:     ${SUITE_LOG#"$ROOT"/}"
  if [[ $SUITE_STATUS -eq 0 ]]; then
    echo "conformance suite PASSED"
    outcome "$what @$CONFORMANCE_VERSION" PASSED "$total_line"
  else
    echo "conformance suite FAILED (exit $SUITE_STATUS)" >&2
    outcome "$what @$CONFORMANCE_VERSION" FAILED "$total_line (exit $SUITE_STATUS)"
  fi
}

# run_requirements REVISION [EXPECTED FILE]: every scored scenario must pass, or with an expected file
# only those it lists.
run_requirements() {
  local revision="$1" expected="${2:-}" dir="$OUT_DIR/$1"
  section "Conformance @$REQUIREMENTS_VERSION: running requirements $revision against $BASE_URL/mcp"
  mkdir -p "$dir/conformance-results"
  run_suite "$dir/suite.log" "$REQUIREMENTS_PKG/dist/index.js" server \
    --url "$BASE_URL/mcp" --requirements "$revision" -o "$dir/conformance-results"

  section "Conformance @$REQUIREMENTS_VERSION: requirements $revision, from checks.json"
  local report_status=0
  "$NODE" "$REPORT" "$REQUIREMENTS_PKG" "$revision" "$dir/conformance-results" ${expected:+"$expected"} \
    >"$dir/report.txt" 2>&1 || report_status=$?
  cat "$dir/report.txt"
  echo "results: ${dir#"$ROOT"/}/conformance-results/*/checks.json"
  echo "log:     ${dir#"$ROOT"/}/suite.log"
  local count
  count="$(grep -E "^$revision: [0-9]+ of [0-9]+ scored scenarios pass" "$dir/report.txt" | tail -n 1 || true)"
  count="${count#"$revision: "}"
  local run="requirements $revision @$REQUIREMENTS_VERSION"
  # The suite exits 1 whenever a scored scenario fails, which the ratchet allows; a timeout it never allows.
  if [[ $report_status -ne 0 ]]; then
    outcome "$run" FAILED "${count:-no count} (report exit $report_status)"
  elif [[ $SUITE_STATUS -eq 124 ]]; then
    outcome "$run" FAILED "${count:-no count} (timed out)"
  elif [[ -z "$expected" && $SUITE_STATUS -ne 0 ]]; then
    outcome "$run" FAILED "${count:-no count} (suite exit $SUITE_STATUS)"
  else
    outcome "$run" PASSED "${count:-no count}${expected:+ (all required by ${expected#"$ROOT"/} pass)}"
  fi
}

for run in $RUNS; do
  case "$run" in
    active)     run_active ;;
    2025-11-25) run_requirements 2025-11-25 ;;
    2026-07-28) run_requirements 2026-07-28 "$EXPECTED_2026" ;;
  esac
done

# ---------------------------------------------------------------------------
section "Conformance: result"
echo "logs: ${OUT_DIR#"$ROOT"/}  (server.log, and a suite.log for each run)"
printf '%s\n' "${SUMMARY[@]}"
if [[ $FAILED -ne 0 ]]; then
  echo "conformance FAILED" >&2
  exit 1
fi
echo "conformance PASSED"
