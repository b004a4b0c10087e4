#!/usr/bin/env bash
# Interop test: drives the fastmcp-java "interop" example (an OAuth protected resource) with the official
# TypeScript MCP SDK client (@modelcontextprotocol/sdk, pinned in .ci/interop/package.json). The test itself
# is .ci/interop/interop.mjs: the 401 challenge, the protected resource metadata, then with tokens listing
# and calling tools, the 403 step-up challenge, and a write with the write token.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+, npm (any Node version; Node 22 is installed locally via npm), curl, openssl or /dev/urandom.
#
# Optional environment:
#   INTEROP_PORT         fixed port for the server (default: a free port)
#   INTEROP_TIMEOUT      seconds allowed for the test run (default: 240)
#   INTEROP_OUT_DIR      output directory, wiped at start (default: target/interop); holds server.log, test.log
#   HEALTH_TIMEOUT       seconds to wait for /health (default: 60)
#   INTEROP_JAR          server jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                 java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_MAJOR="22"
SRC_DIR="$ROOT/.ci/interop"
TOOLS_DIR="$ROOT/.ci/.tools/interop"
JAR="${INTEROP_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
RUN_TIMEOUT="${INTEROP_TIMEOUT:-240}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${INTEROP_OUT_DIR:-$ROOT/target/interop}"
JAVA="${JAVA:-java}"
SERVER_LOG="$OUT_DIR/server.log"
TEST_LOG="$OUT_DIR/test.log"

# ---------------------------------------------------------------------------
section "Interop: checking prerequisites"
need java npm curl "$SRC_DIR/package.json" "$SRC_DIR/interop.mjs" "$JAR"
echo "server jar: ${JAR#"$ROOT"/}"

# ---------------------------------------------------------------------------
section "Interop: installing the packages of .ci/interop/package.json and Node $NODE_MAJOR (local, git-ignored)"
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "$SRC_DIR/package.json"
# The test runs next to its node_modules (ES modules resolve packages from the script's directory).
cp "$SRC_DIR/interop.mjs" "$TOOLS_DIR/interop.mjs"

# ---------------------------------------------------------------------------
section "Interop: choosing a port and tokens"
PORT="$(choose_port "${INTEROP_PORT:-}")" || die "no port for the server (INTEROP_PORT)"
# The server's default base URL is http://127.0.0.1:PORT, so the client uses that origin too: the SDK
# requires the metadata's resource to have the origin of the URL it connects to.
MCP_URL="http://127.0.0.1:$PORT/mcp"
echo "port: $PORT  (MCP endpoint: $MCP_URL)"

INTEROP_READ_TOKEN="interop-read-$(random_token)"
INTEROP_WRITE_TOKEN="interop-write-$(random_token)"
[[ ${#INTEROP_READ_TOKEN} -gt 40 && ${#INTEROP_WRITE_TOKEN} -gt 40 ]] || die "could not generate random tokens"
export INTEROP_READ_TOKEN INTEROP_WRITE_TOKEN
echo "tokens: generated for this run (not printed)"

# ---------------------------------------------------------------------------
section "Interop: starting the interop server"
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
  stop_run "interop test"
  stop_pid "$SERVER_PID" "interop server"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FASTMCP_HOST="127.0.0.1" FASTMCP_PORT="$PORT" "$JAVA" -jar "$JAR" interop >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "interop server pid $SERVER_PID, log: ${SERVER_LOG#"$ROOT"/}"

wait_for_health "http://127.0.0.1:$PORT/health" "$SERVER_PID" "interop server" "$SERVER_LOG" "$HEALTH_TIMEOUT" \
  || die "the interop server is not healthy"
echo "interop server healthy"

# ---------------------------------------------------------------------------
section "Interop: TypeScript SDK client against $MCP_URL"
# timeout bounds the test, and the test's own watchdog ends it a few seconds earlier.
interop_test() {
  cd "$TOOLS_DIR" && INTEROP_MCP_URL="$MCP_URL" INTEROP_TOTAL_TIMEOUT_MS="$(( RUN_TIMEOUT * 1000 - 5000 ))" \
    exec timeout "$RUN_TIMEOUT" "$NODE" interop.mjs
}
run_logged "$TEST_LOG" interop_test
status=$RUN_STATUS

section "Interop: result"
echo "logs: ${TEST_LOG#"$ROOT"/}  ${SERVER_LOG#"$ROOT"/}"
if grep -qF -e "$INTEROP_READ_TOKEN" -e "$INTEROP_WRITE_TOKEN" "$SERVER_LOG" "$TEST_LOG"; then
  echo "a bearer token appears in the logs" >&2
  status=1
fi
if [[ $status -eq 124 ]]; then
  echo "interop test TIMED OUT after ${RUN_TIMEOUT}s" >&2
  show_log "server log" "$SERVER_LOG"
elif [[ $status -ne 0 ]]; then
  echo "interop test FAILED (exit $status)" >&2
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "note: the interop server is no longer running" >&2
  fi
  show_log "server log" "$SERVER_LOG"
else
  echo "interop test PASSED"
fi
exit "$status"
