#!/usr/bin/env bash
# The README's commands do what it says, in a clean clone: the build command produces the examples jar, and
# `java -jar fastmcp-examples/target/fastmcp-examples.jar [name]` runs a server that answers /health and an MCP
# initialize. Checked for `hello` (initialize answers 200) and for the default example, quickstart (initialize
# without a token answers 401 with the OAuth challenge, whose metadata documents are served); an unknown name
# lists the examples.
#
# The commands below must stay the README's; the script fails when the README no longer shows them.
#
# Needs: git, java 17+, mvn, curl.
# Optional environment:
#   README_IN_PLACE=1   build in this working tree instead of a fresh clone of its HEAD
#   HEALTH_TIMEOUT      seconds to wait for /health (default: 60)
#   JAVA                java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_COMMAND="mvn -B -q package -DskipTests"
RUN_COMMAND="java -jar fastmcp-examples/target/fastmcp-examples.jar"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
JAVA="${JAVA:-java}"

need git java mvn curl
for command in "$BUILD_COMMAND" "$RUN_COMMAND"; do
  grep -qF -- "$command" README.md || die "the README no longer shows '$command': update .ci/readme-commands.sh to the README's commands"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fastmcp-readme.XXXXXX")"
SERVER_PID=""
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$? _
  trap - INT TERM
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
if [[ "${README_IN_PLACE:-}" == "1" ]]; then
  DIR="$ROOT"
  section "README commands: in this working tree"
else
  DIR="$WORK/clone"
  section "README commands: a clean clone of HEAD ($(git rev-parse --short HEAD))"
  git clone --quiet --no-hardlinks "$ROOT" "$DIR"
fi
cd "$DIR"

section "README commands: $BUILD_COMMAND"
# shellcheck disable=SC2086  # the command is split into its words, as a shell reading the README would
timeout 1200 $BUILD_COMMAND || die "'$BUILD_COMMAND' failed"
[[ -f fastmcp-examples/target/fastmcp-examples.jar ]] || die "'$BUILD_COMMAND' did not produce fastmcp-examples/target/fastmcp-examples.jar"
echo "built fastmcp-examples/target/fastmcp-examples.jar"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS  $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }

INITIALIZE='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"readme-check","version":"1.0.0"}}}'

# Starts `$RUN_COMMAND $1` on a free port and waits for /health; sets PORT and SERVER_PID.
start_example() {
  local name="$1" deadline
  PORT="$(pick_free_port)" || die "could not find a free TCP port"
  # shellcheck disable=SC2086
  FASTMCP_HOST=127.0.0.1 FASTMCP_PORT="$PORT" timeout 600 $RUN_COMMAND $name >"$WORK/${name:-default}.log" 2>&1 &
  SERVER_PID=$!
  deadline=$(( SECONDS + HEALTH_TIMEOUT ))
  until curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || (( SECONDS >= deadline )); then
      tail -n 40 "$WORK/${name:-default}.log" >&2 || true
      fail "'$RUN_COMMAND${name:+ $name}' did not answer /health within ${HEALTH_TIMEOUT}s"
      return 1
    fi
    sleep 0.5
  done
  pass "'$RUN_COMMAND${name:+ $name}' answers /health on port $PORT"
}

stop_example() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Posts an MCP initialize; prints the HTTP status, keeps headers and body in $WORK.
initialize() {
  curl -sS --max-time 10 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    --data "$INITIALIZE" "http://127.0.0.1:$PORT/mcp" || echo "000"
}

section "README commands: $RUN_COMMAND hello"
if start_example hello; then
  status="$(initialize)"
  if [[ "$status" == "200" ]] && grep -q '"protocolVersion"' "$WORK/body" && grep -q '"name":"hello"' "$WORK/body"; then
    pass "MCP initialize answers 200 with the hello server's info"
  else
    fail "MCP initialize answered $status: $(head -c 300 "$WORK/body")"
  fi
  stop_example
fi

section "README commands: $RUN_COMMAND (the default example, quickstart)"
if start_example ""; then
  status="$(initialize)"
  challenge="$(tr -d '\r' <"$WORK/headers" | sed -n 's/^[Ww][Ww][Ww]-[Aa]uthenticate: *//p' | head -n 1)"
  metadata="$(printf '%s' "$challenge" | sed -n 's/.*resource_metadata="\([^"]*\)".*/\1/p')"
  if [[ "$status" == "401" && -n "$metadata" ]]; then
    pass "MCP initialize without a token answers 401 with the OAuth challenge"
  else
    fail "MCP initialize without a token answered $status ($challenge)"
  fi
  if [[ -n "$metadata" ]] && curl -fsS --max-time 5 "$metadata" | grep -q '"authorization_servers"' \
      && curl -fsS --max-time 5 "http://127.0.0.1:$PORT/.well-known/oauth-authorization-server" | grep -q '"registration_endpoint"'; then
    pass "the protected resource and authorization server metadata are served"
  else
    fail "the OAuth metadata documents are missing"
  fi
  if grep -q "MCP endpoint: *http://127.0.0.1:$PORT/mcp" "$WORK/default.log" && grep -q "claude mcp add --transport http" "$WORK/default.log"; then
    pass "quickstart prints the MCP URL and how to connect"
  else
    fail "quickstart did not print the MCP URL and how to connect"
  fi
  stop_example
fi

section "README commands: an unknown example name lists the examples"
set +e
# shellcheck disable=SC2086
$RUN_COMMAND no-such-example >"$WORK/unknown.log" 2>&1
rc=$?
set -e
if [[ $rc -eq 2 ]] && grep -q "Unknown example 'no-such-example'" "$WORK/unknown.log" && grep -q "quickstart" "$WORK/unknown.log"; then
  pass "an unknown name exits 2 and lists the examples"
else
  fail "an unknown name exited $rc: $(head -c 300 "$WORK/unknown.log")"
fi

echo
echo "README commands: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
