#!/usr/bin/env bash
# Browser test: a real headless Chromium, driven by playwright-core, walks the OAuth flow of the "quickstart"
# example as a person would: the OAuth proxy's consent page, then the development identity provider's sign-in
# page (text checked, screenshots taken), then the code exchange and an MCP call with the token. The test is
# .ci/browser/browser-flow.mjs, with the check printer of .ci/lib/harness.mjs; playwright-core is pinned in
# .ci/browser/package.json.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+, npm (Node 22 is installed locally via npm), curl, and Chromium: Debian's `chromium` package,
# installed here with apt-get when missing and running as root.
#
# Optional environment:
#   BROWSER_PORT      fixed port for the server (default: a free port)
#   BROWSER_TIMEOUT   seconds allowed for the test run (default: 180)
#   BROWSER_OUT_DIR   output directory, wiped at start (default: .ci/.out/browser); holds the screenshots
#                     (consent.png, sign-in.png, redirect.png), server.log and test.log
#   CHROMIUM          Chromium executable (default: chromium on PATH)
#   HEALTH_TIMEOUT    seconds to wait for /health (default: 60)
#   JAVA              java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_MAJOR="22"
SRC_DIR="$ROOT/.ci/browser"
TOOLS_DIR="$ROOT/.ci/.tools/browser"
JAR="$ROOT/fastmcp-examples/target/fastmcp-examples.jar"
RUN_TIMEOUT="${BROWSER_TIMEOUT:-180}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${BROWSER_OUT_DIR:-$ROOT/.ci/.out/browser}"
JAVA="${JAVA:-java}"
SERVER_LOG="$OUT_DIR/server.log"
TEST_LOG="$OUT_DIR/test.log"

# ---------------------------------------------------------------------------
section "Browser test: checking prerequisites"
need java npm curl "$SRC_DIR/package.json" "$SRC_DIR/browser-flow.mjs" "$ROOT/.ci/lib/harness.mjs" "$JAR"

# ---------------------------------------------------------------------------
section "Browser test: Chromium"
CHROMIUM="$(find_chromium)" || die "no Chromium to run the test with"
echo "chromium: $CHROMIUM ($(timeout 30 "$CHROMIUM" --version 2>/dev/null | head -n 1 || echo 'version unknown'))"

# ---------------------------------------------------------------------------
section "Browser test: installing the packages of .ci/browser/package.json and Node $NODE_MAJOR (local, git-ignored)"
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "$SRC_DIR/package.json"
# The test runs next to its node_modules (ES modules resolve packages from the script's directory).
cp "$SRC_DIR/browser-flow.mjs" "$TOOLS_DIR/"
install_harness "$TOOLS_DIR"

# ---------------------------------------------------------------------------
section "Browser test: starting the quickstart server"
PORT="$(choose_port "${BROWSER_PORT:-}")" || die "no port for the server (BROWSER_PORT)"
MCP_URL="http://127.0.0.1:$PORT/mcp"

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
  stop_run "browser test"
  stop_pid "$SERVER_PID" "quickstart server"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FASTMCP_HOST="127.0.0.1" FASTMCP_PORT="$PORT" "$JAVA" -jar "$JAR" quickstart >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "quickstart server pid $SERVER_PID on port $PORT, log: ${SERVER_LOG#"$ROOT"/}"
wait_for_health "http://127.0.0.1:$PORT/health" "$SERVER_PID" "quickstart server" "$SERVER_LOG" "$HEALTH_TIMEOUT" \
  || die "the quickstart server is not healthy"
echo "quickstart server healthy"

# ---------------------------------------------------------------------------
section "Browser test: headless Chromium against $MCP_URL"
browser_test() {
  cd "$TOOLS_DIR" && BROWSER_MCP_URL="$MCP_URL" BROWSER_CHROMIUM="$CHROMIUM" BROWSER_OUT_DIR="$OUT_DIR" \
    BROWSER_TOTAL_TIMEOUT_MS="$(( RUN_TIMEOUT * 1000 - 5000 ))" \
    exec timeout "$RUN_TIMEOUT" "$NODE" browser-flow.mjs
}
run_logged "$TEST_LOG" browser_test
status=$RUN_STATUS

section "Browser test: result"
echo "screenshots and logs: ${OUT_DIR#"$ROOT"/}/ ($(cd "$OUT_DIR" && printf '%s ' *.png))"
for shot in consent.png sign-in.png; do
  if [[ ! -s "$OUT_DIR/$shot" ]]; then
    echo "FAIL  no screenshot $shot" >&2
    status=1
  fi
done
if [[ $status -eq 124 ]]; then
  echo "Browser test TIMED OUT after ${RUN_TIMEOUT}s" >&2
  show_log "server log" "$SERVER_LOG"
elif [[ $status -ne 0 ]]; then
  echo "Browser test FAILED (exit $status)" >&2
  show_log "server log" "$SERVER_LOG"
else
  echo "Browser test PASSED"
fi
exit "$status"
