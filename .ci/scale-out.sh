#!/usr/bin/env bash
# Scale-out test: three instances of the fastmcp-java "oauth-interop" example (an OAuthProxy in front of
# oauth2-mock-server, .ci/oauth-interop/upstream.mjs) behind a round-robin load balancer (.ci/scale-out/balancer.mjs,
# Node's http module only), sharing one Redis (Debian's redis-server, started here on a free port, no persistence).
# Each instance gets the same OAUTH_PROXY_SECRET and REDIS_URL and the balancer's URL as FASTMCP_BASE_URL; its MCP
# sessions (MCP 2025-11-25, Mcp-Session-Id) are shared through Redis, so the client's one session is served by every
# instance in turn.
#
# The test (.ci/scale-out/scale-out.mjs; the official TypeScript MCP SDK client, pinned in
# .ci/scale-out/package.json) signs in through the balancer (registration, consent approved by its fetch-based
# browser, the upstream, callback, token: not all on one instance), lists and calls the tools on every instance in
# turn, refreshes, reads an SSE stream through the balancer, redeems one code at the three instances at once (one
# winner), kills one instance in the middle of a sign-in and carries on (calls, a refresh), revokes a grant and sees
# its access token refused by every remaining instance asked directly; then stops redis-server (503 with
# Retry-After, one log line per instance), starts it again empty on the same port, and signs in anew without
# restarting the instances. Last, the fastmcp-redis tests run once more against this redis-server
# (FASTMCP_TEST_REDIS_SERVER).
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+, mvn, npm (any Node version; Node 22 is installed locally via npm), curl, redis-server 6.2+
# (Debian's package, installed with apt-get when missing and running as root or with password-less sudo).
#
# Optional environment:
#   SCALE_OUT_INSTANCES     how many instances (default 3; at least 3)
#   SCALE_OUT_TIMEOUT       seconds allowed for the test run (default 300)
#   SCALE_OUT_MVN_TIMEOUT   seconds allowed for the fastmcp-redis tests (default 900)
#   SCALE_OUT_MVN_ARGS      more arguments for that Maven run, such as -o (default none)
#   SCALE_OUT_SKIP_MVN=1    leaves the fastmcp-redis tests out
#   SCALE_OUT_OUT_DIR       output directory, wiped at start (default: target/scale-out); holds redis.log,
#                           upstream.log, balancer.log, server-instance-N.log, test.log, redis-tests.log
#   HEALTH_TIMEOUT          seconds to wait for each server to answer (default 60)
#   INTEROP_JAR             server jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                    java executable (default: java)
#   REDIS_SERVER            redis-server executable (default: /usr/bin/redis-server, else on PATH, else installed)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_MAJOR="22"
SRC_DIR="$ROOT/.ci/scale-out"
UPSTREAM_SRC="$ROOT/.ci/oauth-interop/upstream.mjs"
TOOLS_DIR="$ROOT/.ci/.tools/scale-out"
JAR="${INTEROP_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
COUNT="${SCALE_OUT_INSTANCES:-3}"
RUN_TIMEOUT="${SCALE_OUT_TIMEOUT:-300}"
MVN_TIMEOUT="${SCALE_OUT_MVN_TIMEOUT:-900}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${SCALE_OUT_OUT_DIR:-$ROOT/target/scale-out}"
JAVA="${JAVA:-java}"
REDIS_LOG="$OUT_DIR/redis.log"
REDIS_PIDFILE="$OUT_DIR/redis.pid"
UPSTREAM_LOG="$OUT_DIR/upstream.log"
BALANCER_LOG="$OUT_DIR/balancer.log"
TEST_LOG="$OUT_DIR/test.log"
MVN_LOG="$OUT_DIR/redis-tests.log"
ISSUER_FILE="$OUT_DIR/upstream-issuer"
UPSTREAM_SUBJECT="oauth-interop-user"

# ---------------------------------------------------------------------------
section "Scale-out: checking prerequisites"
need java npm "mvn (needed for the fastmcp-redis tests)" curl "$SRC_DIR/package.json" "$SRC_DIR/balancer.mjs" \
  "$SRC_DIR/scale-out.mjs" "$ROOT/.ci/lib/harness.mjs" "$UPSTREAM_SRC" "$JAR"
[[ "$COUNT" =~ ^[0-9]+$ ]] && (( COUNT >= 3 && COUNT <= 9 )) || die "SCALE_OUT_INSTANCES must be 3 to 9, was '$COUNT'"
echo "server jar: ${JAR#"$ROOT"/}"
REDIS_SERVER_BIN="$(find_redis_server)" || die "no redis-server"
REDIS_VERSION="$("$REDIS_SERVER_BIN" --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')"
[[ "$REDIS_VERSION" =~ ^([0-9]+)\.([0-9]+) ]] || die "cannot read the version of $REDIS_SERVER_BIN"
if (( BASH_REMATCH[1] < 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] < 2) )); then
  die "$REDIS_SERVER_BIN is Redis $REDIS_VERSION; RedisTokenStorage needs 6.2 or later (GETDEL)"
fi
echo "redis-server: $REDIS_SERVER_BIN (Redis $REDIS_VERSION)"

# ---------------------------------------------------------------------------
section "Scale-out: installing the packages of .ci/scale-out/package.json and Node $NODE_MAJOR (local, git-ignored)"
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "$SRC_DIR/package.json"
# The scripts run next to their node_modules (ES modules resolve packages from the script's directory).
cp "$SRC_DIR/balancer.mjs" "$SRC_DIR/scale-out.mjs" "$UPSTREAM_SRC" "$TOOLS_DIR/"
install_harness "$TOOLS_DIR"

# ---------------------------------------------------------------------------
section "Scale-out: choosing ports and secrets"
# Each port is free when chosen, and differs from those chosen before it.
PORTS=()
next_port() {
  local p _
  for _ in 1 2 3 4 5; do
    p="$(choose_port "")" || return 1
    if [[ " ${PORTS[*]:-} " != *" $p "* ]]; then
      PORTS+=("$p")
      return 0
    fi
  done
  echo "could not find distinct free ports" >&2
  return 1
}
next_port || die "no port for redis-server"; REDIS_PORT="${PORTS[-1]}"
next_port || die "no port for the balancer"; BALANCER_PORT="${PORTS[-1]}"
INSTANCE_PORTS=()
for i in $(seq 1 "$COUNT"); do
  next_port || die "no port for instance-$i"
  INSTANCE_PORTS+=("${PORTS[-1]}")
done
BALANCER_URL="http://127.0.0.1:$BALANCER_PORT"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
REDIS_KEY_PREFIX="scale-out:"
echo "redis-server: 127.0.0.1:$REDIS_PORT  balancer: $BALANCER_URL (every instance's FASTMCP_BASE_URL)"
echo "instances: $(for i in $(seq 1 "$COUNT"); do printf 'instance-%s=127.0.0.1:%s ' "$i" "${INSTANCE_PORTS[$((i - 1))]}"; done)"

UPSTREAM_CLIENT_ID="fastmcp-oauth-interop"
UPSTREAM_CLIENT_SECRET="upstream-secret-$(random_token)"
OAUTH_PROXY_SECRET="$(random_token)"
[[ ${#UPSTREAM_CLIENT_SECRET} -gt 40 && ${#OAUTH_PROXY_SECRET} -ge 64 ]] || die "could not generate random secrets"
echo "upstream client secret and proxy secret (the same on every instance): generated for this run (not printed)"

# ---------------------------------------------------------------------------
section "Scale-out: the output directory"
case "$OUT_DIR" in
  ""|/|"$ROOT"|"$ROOT/") die "refusing to wipe output directory '$OUT_DIR'" ;;
esac
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
echo "output: ${OUT_DIR#"$ROOT"/}/ (wiped)"
REDIS_PID=""
UPSTREAM_PID=""
BALANCER_PID=""
INSTANCE_PIDS=()

# The redis-server that the test started again writes its pid to the pid file; stopped only if it is one.
stop_restarted_redis() {
  local pid
  pid="$(cat "$REDIS_PIDFILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ && "$pid" != "$REDIS_PID" ]] \
      && [[ "$(ps -o comm= -p "$pid" 2>/dev/null || true)" == redis-server* ]]; then
    stop_pid "$pid" "redis-server (started again by the test)"
  fi
}

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$? i
  trap - INT TERM
  stop_run "scale-out test"
  stop_pid "$BALANCER_PID" "balancer"
  for i in "${!INSTANCE_PIDS[@]}"; do
    stop_pid "${INSTANCE_PIDS[$i]}" "instance-$((i + 1))"
  done
  stop_pid "$UPSTREAM_PID" "upstream identity provider"
  stop_pid "$REDIS_PID" "redis-server"
  stop_restarted_redis
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
section "Scale-out: starting redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
# --pidfile: the test stops this server by its pid and starts another one, which writes the same file.
"$REDIS_SERVER_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode yes \
  --pidfile "$REDIS_PIDFILE" >"$REDIS_LOG" 2>&1 &
REDIS_PID=$!
echo "redis-server pid $REDIS_PID, log: ${REDIS_LOG#"$ROOT"/}"
deadline=$(( SECONDS + HEALTH_TIMEOUT ))
until port_in_use "$REDIS_PORT"; do
  if ! kill -0 "$REDIS_PID" 2>/dev/null; then
    show_log "redis-server log" "$REDIS_LOG"
    die "redis-server exited before listening"
  fi
  (( SECONDS < deadline )) || { show_log "redis-server log" "$REDIS_LOG"; die "redis-server did not listen within ${HEALTH_TIMEOUT}s"; }
  sleep 0.1
done
echo "redis-server listening"

# ---------------------------------------------------------------------------
section "Scale-out: starting the upstream identity provider (oauth2-mock-server)"
(cd "$TOOLS_DIR" && UPSTREAM_ISSUER_FILE="$ISSUER_FILE" UPSTREAM_CLIENT_ID="$UPSTREAM_CLIENT_ID" \
    UPSTREAM_CLIENT_SECRET="$UPSTREAM_CLIENT_SECRET" UPSTREAM_SUBJECT="$UPSTREAM_SUBJECT" \
    exec "$NODE" upstream.mjs) >"$UPSTREAM_LOG" 2>&1 &
UPSTREAM_PID=$!
echo "upstream pid $UPSTREAM_PID, log: ${UPSTREAM_LOG#"$ROOT"/}"
deadline=$(( SECONDS + HEALTH_TIMEOUT ))
until [[ -s "$ISSUER_FILE" ]]; do
  if ! kill -0 "$UPSTREAM_PID" 2>/dev/null; then
    show_log "upstream log" "$UPSTREAM_LOG"
    die "the upstream identity provider exited before listening"
  fi
  (( SECONDS < deadline )) || { show_log "upstream log" "$UPSTREAM_LOG"; die "the upstream did not start within ${HEALTH_TIMEOUT}s"; }
  sleep 0.2
done
UPSTREAM_ISSUER="$(head -n 1 "$ISSUER_FILE")"
[[ "$UPSTREAM_ISSUER" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "unexpected upstream issuer: $UPSTREAM_ISSUER"
echo "upstream issuer: $UPSTREAM_ISSUER"

# ---------------------------------------------------------------------------
section "Scale-out: starting $COUNT instances of the oauth-interop example (sessions shared, one Redis, one secret)"
for i in $(seq 1 "$COUNT"); do
  port="${INSTANCE_PORTS[$((i - 1))]}"
  log="$OUT_DIR/server-instance-$i.log"
  FASTMCP_HOST="127.0.0.1" FASTMCP_PORT="$port" FASTMCP_BASE_URL="$BALANCER_URL" \
    REDIS_URL="$REDIS_URL" REDIS_KEY_PREFIX="$REDIS_KEY_PREFIX" OAUTH_PROXY_SECRET="$OAUTH_PROXY_SECRET" \
    UPSTREAM_AUTHORIZATION_ENDPOINT="$UPSTREAM_ISSUER/authorize" UPSTREAM_TOKEN_ENDPOINT="$UPSTREAM_ISSUER/token" \
    UPSTREAM_CLIENT_ID="$UPSTREAM_CLIENT_ID" UPSTREAM_CLIENT_SECRET="$UPSTREAM_CLIENT_SECRET" \
    "$JAVA" -XX:TieredStopAtLevel=1 -jar "$JAR" oauth-interop >"$log" 2>&1 &   # C1 only: three JVMs start faster
  INSTANCE_PIDS+=("$!")
  echo "instance-$i pid $!, port $port, log: ${log#"$ROOT"/}"
done
for i in $(seq 1 "$COUNT"); do
  wait_for_health "http://127.0.0.1:${INSTANCE_PORTS[$((i - 1))]}/health" "${INSTANCE_PIDS[$((i - 1))]}" \
    "instance-$i" "$OUT_DIR/server-instance-$i.log" "$HEALTH_TIMEOUT" || die "instance-$i is not healthy"
  grep -qF "oauth-interop: MCP server at $BALANCER_URL/mcp" "$OUT_DIR/server-instance-$i.log" \
    || { show_log "instance-$i log" "$OUT_DIR/server-instance-$i.log"; die "instance-$i does not serve at $BALANCER_URL/mcp (FASTMCP_BASE_URL)"; }
  if grep -q "listening at .* (stateless)\|sessions .* live on the instance that created them" \
      "$OUT_DIR/server-instance-$i.log"; then
    show_log "instance-$i log" "$OUT_DIR/server-instance-$i.log"
    die "instance-$i does not share its sessions (REDIS_URL, Env.sessions)"
  fi
done
echo "$COUNT instances healthy, sessions shared, each at $BALANCER_URL/mcp"

# ---------------------------------------------------------------------------
section "Scale-out: starting the balancer on $BALANCER_URL"
BACKENDS="$(for i in $(seq 1 "$COUNT"); do printf 'instance-%s=%s,' "$i" "${INSTANCE_PORTS[$((i - 1))]}"; done)"
BACKENDS="${BACKENDS%,}"
(cd "$TOOLS_DIR" && BALANCER_PORT="$BALANCER_PORT" BALANCER_BACKENDS="$BACKENDS" exec "$NODE" balancer.mjs) \
  >"$BALANCER_LOG" 2>&1 &
BALANCER_PID=$!
echo "balancer pid $BALANCER_PID, log: ${BALANCER_LOG#"$ROOT"/}"
wait_for_health "$BALANCER_URL/health" "$BALANCER_PID" "balancer" "$BALANCER_LOG" "$HEALTH_TIMEOUT" \
  || die "the balancer does not answer"

# ---------------------------------------------------------------------------
section "Scale-out: the TypeScript SDK client through $BALANCER_URL/mcp"
INSTANCES_ARG="$(for i in $(seq 1 "$COUNT"); do
  printf 'instance-%s=%s=%s,' "$i" "${INSTANCE_PORTS[$((i - 1))]}" "${INSTANCE_PIDS[$((i - 1))]}"; done)"
scale_out_test() {
  cd "$TOOLS_DIR" && SCALE_OUT_URL="$BALANCER_URL" SCALE_OUT_INSTANCES="${INSTANCES_ARG%,}" \
    SCALE_OUT_LOG_DIR="$OUT_DIR" SCALE_OUT_UPSTREAM_ISSUER="$UPSTREAM_ISSUER" \
    SCALE_OUT_UPSTREAM_SUBJECT="$UPSTREAM_SUBJECT" SCALE_OUT_REDIS_SERVER="$REDIS_SERVER_BIN" \
    SCALE_OUT_REDIS_PORT="$REDIS_PORT" SCALE_OUT_REDIS_PIDFILE="$REDIS_PIDFILE" SCALE_OUT_REDIS_LOG="$REDIS_LOG" \
    SCALE_OUT_REDIS_PREFIX="$REDIS_KEY_PREFIX" \
    SCALE_OUT_TOTAL_TIMEOUT_MS="$(( RUN_TIMEOUT * 1000 - 5000 ))" \
    exec timeout "$RUN_TIMEOUT" "$NODE" scale-out.mjs
}
run_logged "$TEST_LOG" scale_out_test
status=$RUN_STATUS

section "Scale-out: the balancer's count"
stop_pid "$BALANCER_PID" "balancer"
BALANCER_PID=""
grep -E '^balancer: [0-9]+ requests;' "$BALANCER_LOG" || echo "(the balancer printed no count)"
echo "refused connections skipped: $(grep -c 'connection refused' "$BALANCER_LOG" || true) request(s)"

section "Scale-out: the server logs"
for i in $(seq 1 "$COUNT"); do
  log="$OUT_DIR/server-instance-$i.log"
  printf 'instance-%s: %s "unreachable", %s "reachable again", %s other ERROR or exception lines\n' "$i" \
    "$(grep -c 'is unreachable (' "$log" || true)" "$(grep -c 'is reachable again' "$log" || true)" \
    "$(grep -E 'ERROR|Exception' "$log" | grep -vc 'is unreachable (' || true)"
done
if grep -qF -e "$UPSTREAM_CLIENT_SECRET" -e "$OAUTH_PROXY_SECRET" "$OUT_DIR"/*.log; then
  echo "FAIL  a secret appears in the logs" >&2
  status=1
fi

# ---------------------------------------------------------------------------
mvn_status=0
if [[ "${SCALE_OUT_SKIP_MVN:-}" == "1" ]]; then
  section "Scale-out: the fastmcp-redis tests (skipped: SCALE_OUT_SKIP_MVN=1)"
else
  section "Scale-out: the fastmcp-redis tests against $REDIS_SERVER_BIN (FASTMCP_TEST_REDIS_SERVER)"
  # Each test starts its own redis-server from this binary, on a free port.
  # shellcheck disable=SC2086  # SCALE_OUT_MVN_ARGS is a list of arguments
  run_logged "$MVN_LOG" env FASTMCP_TEST_REDIS_SERVER="$REDIS_SERVER_BIN" timeout "$MVN_TIMEOUT" \
    mvn -B ${SCALE_OUT_MVN_ARGS:-} -pl fastmcp-redis -am test -Dtest='*Redis*' -Dsurefire.failIfNoSpecifiedTests=false
  mvn_status=$RUN_STATUS
  if [[ $mvn_status -eq 0 ]] && ! grep -q 'BUILD SUCCESS' "$MVN_LOG"; then
    mvn_status=1
  fi
  if [[ $mvn_status -eq 0 ]] && ! grep -qE 'Tests run: [1-9][0-9]*, Failures: 0, Errors: 0' "$MVN_LOG"; then
    echo "FAIL  the fastmcp-redis tests ran no test" >&2
    mvn_status=1
  fi
fi

# ---------------------------------------------------------------------------
section "Scale-out: result"
echo "logs: ${OUT_DIR#"$ROOT"/}/ (test.log, balancer.log, server-instance-N.log, redis.log, upstream.log, redis-tests.log)"
report() {
  if [[ $2 -eq 124 ]]; then
    echo "$1 TIMED OUT after ${3}s" >&2
  elif [[ $2 -ne 0 ]]; then
    echo "$1 FAILED (exit $2)" >&2
  else
    echo "$1 PASSED"
  fi
}
report "Scale-out test ($COUNT instances, one Redis, a round-robin balancer)" "$status" "$RUN_TIMEOUT"
[[ "${SCALE_OUT_SKIP_MVN:-}" == "1" ]] || report "fastmcp-redis tests against $REDIS_SERVER_BIN" "$mvn_status" "$MVN_TIMEOUT"
if [[ $status -ne 0 ]]; then
  for i in $(seq 1 "$COUNT"); do
    show_log "instance-$i log" "$OUT_DIR/server-instance-$i.log"
  done
  show_log "balancer log" "$BALANCER_LOG"
fi
if [[ $status -ne 0 || $mvn_status -ne 0 ]]; then
  exit 1
fi
exit 0
