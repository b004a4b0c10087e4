#!/usr/bin/env bash
# Interop test for MCP 2026-07-28: the official Java SDK's modern client (io.modelcontextprotocol.sdk:mcp, pinned
# in .ci/java-modern-client/pom.xml, a standalone project outside our build) against the fastmcp-java "interop"
# example, an OAuth protected resource with two static bearer tokens. The checks are in
# .ci/java-modern-client/src/main/java/dev/fastmcp/ci/modern/ModernClientInterop.java: server/discover, tools/list
# per token, a read call, the 403 step-up challenge and the 401 without a token.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+, mvn (to build the client), curl, openssl or /dev/urandom.
#
# Optional environment:
#   JAVA_CLIENT_PORT     fixed port for the server (default: a free port)
#   JAVA_CLIENT_TIMEOUT  seconds allowed for the client run (default: 120)
#   JAVA_CLIENT_OUT_DIR  output directory, wiped at start (default: target/java-modern-client); holds server.log,
#                        test.log
#   HEALTH_TIMEOUT       seconds to wait for /health (default: 60)
#   INTEROP_JAR          server jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                 java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLIENT_DIR="$ROOT/.ci/java-modern-client"
CLIENT_JAR="$CLIENT_DIR/target/java-modern-client.jar"
JAR="${INTEROP_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
RUN_TIMEOUT="${JAVA_CLIENT_TIMEOUT:-120}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${JAVA_CLIENT_OUT_DIR:-$ROOT/target/java-modern-client}"
JAVA="${JAVA:-java}"
SERVER_LOG="$OUT_DIR/server.log"
TEST_LOG="$OUT_DIR/test.log"

# ---------------------------------------------------------------------------
section "Java modern client: checking prerequisites"
need java "mvn (needed to build the client)" curl "$CLIENT_DIR/pom.xml" "$JAR"
echo "server jar: ${JAR#"$ROOT"/}"

# ---------------------------------------------------------------------------
section "Java modern client: building .ci/java-modern-client (its own pom, not part of the build)"
mvn -B -q -f "$CLIENT_DIR/pom.xml" package
[[ -f "$CLIENT_JAR" ]] || die "the client build finished without ${CLIENT_JAR#"$ROOT"/}"
echo "client: $(cd "$CLIENT_DIR/target/lib" && ls mcp-core-*.jar reactor-core-*.jar | tr '\n' ' ')"

# ---------------------------------------------------------------------------
section "Java modern client: choosing a port and tokens"
PORT="$(choose_port "${JAVA_CLIENT_PORT:-}")" || die "no port for the server (JAVA_CLIENT_PORT)"
MCP_URL="http://127.0.0.1:$PORT/mcp"
echo "port: $PORT  (MCP endpoint: $MCP_URL)"

INTEROP_READ_TOKEN="interop-read-$(random_token)"
INTEROP_WRITE_TOKEN="interop-write-$(random_token)"
[[ ${#INTEROP_READ_TOKEN} -gt 40 && ${#INTEROP_WRITE_TOKEN} -gt 40 ]] || die "could not generate random tokens"
export INTEROP_READ_TOKEN INTEROP_WRITE_TOKEN
echo "tokens: generated for this run (not printed)"

# ---------------------------------------------------------------------------
section "Java modern client: starting the interop server"
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
  stop_run "Java modern client"
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
section "Java modern client: MCP 2026-07-28 against $MCP_URL"
run_logged "$TEST_LOG" env INTEROP_MCP_URL="$MCP_URL" timeout "$RUN_TIMEOUT" "$JAVA" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$CLIENT_JAR"
status=$RUN_STATUS

section "Java modern client: result"
echo "logs: ${TEST_LOG#"$ROOT"/}  ${SERVER_LOG#"$ROOT"/}"
if grep -qF -e "$INTEROP_READ_TOKEN" -e "$INTEROP_WRITE_TOKEN" "$SERVER_LOG" "$TEST_LOG"; then
  echo "a bearer token appears in the logs" >&2
  status=1
fi
if [[ $status -eq 124 ]]; then
  echo "Java modern client TIMED OUT after ${RUN_TIMEOUT}s" >&2
  show_log "server log" "$SERVER_LOG"
elif [[ $status -ne 0 ]]; then
  echo "Java modern client test FAILED (exit $status)" >&2
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "note: the interop server is no longer running" >&2
  fi
  show_log "server log" "$SERVER_LOG"
elif ! grep -q '^java-modern-client: [1-9][0-9]* passed, 0 failed$' "$TEST_LOG"; then
  echo "Java modern client test FAILED: no closing count in ${TEST_LOG#"$ROOT"/}" >&2
  status=1
else
  echo "Java modern client test PASSED"
fi
exit "$status"
