#!/usr/bin/env bash
# The official MCP conformance suite's authorization server scenarios (@modelcontextprotocol/conformance, its
# `authorization` command: authorization-server-metadata-endpoint and authorization-code-grant) against the OAuth
# proxy of two examples, each run required to pass in full:
#
#   quickstart    the proxy in front of the development identity provider (fastmcp-devidp), with its sign-in page;
#   custom-oauth  the proxy in front of a real OIDC server, oauth2-mock-server (.ci/oauth-interop/upstream.mjs,
#                 started as .ci/oauth-interop.sh starts it; it signs the user in without a page).
#
# For each, .ci/conformance-as/as-conformance.mjs registers a public client (dynamic client registration, the
# suite's loopback callback as redirect URI), runs the suite with --url ISSUER --client-id ID --resource MCP_URL,
# and plays the user in a real headless Chromium (playwright-core): it opens the authorization URL the suite
# prints, approves on the proxy's consent page, signs in at the upstream, and so reaches the suite's callback;
# the suite then exchanges the code. The driver judges the suite's checks.json files: every check must be
# SUCCESS (a WARNING, such as client_id_metadata_document_supported not true, fails the run), and the
# authorization response must carry iss; it prints its checks with .ci/lib/harness.mjs. The suite, playwright-core
# and oauth2-mock-server are pinned in .ci/conformance-as/package.json.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+, npm (Node 22 is installed locally via npm), curl, openssl or /dev/urandom, and Chromium:
# Debian's `chromium` package, installed here with apt-get when missing and running as root.
#
# Optional environment:
#   AS_CONFORMANCE_RUNS     the runs, space-separated (default: "quickstart custom-oauth")
#   AS_CONFORMANCE_TIMEOUT  seconds allowed for each run's driver (default: 240)
#   AS_CONFORMANCE_OUT_DIR  output directory, wiped at start (default: target/conformance-as); holds for each run
#                           <run>/server.log, <run>/test.log, <run>/consent.png (and sign-in.png for quickstart,
#                           upstream.log for custom-oauth) and <run>/results/authorization-server-*/checks.json
#   HEALTH_TIMEOUT          seconds to wait for the upstream and for /health (default: 60)
#   AS_CONFORMANCE_JAR      server jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   CHROMIUM                Chromium executable (default: chromium on PATH)
#   JAVA                    java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_MAJOR="22"
SRC_DIR="$ROOT/.ci/conformance-as"
UPSTREAM_SRC="$ROOT/.ci/oauth-interop/upstream.mjs"
TOOLS_DIR="$ROOT/.ci/.tools/conformance-as"
JAR="${AS_CONFORMANCE_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
RUNS="${AS_CONFORMANCE_RUNS:-quickstart custom-oauth}"
RUN_TIMEOUT="${AS_CONFORMANCE_TIMEOUT:-240}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${AS_CONFORMANCE_OUT_DIR:-$ROOT/target/conformance-as}"
JAVA="${JAVA:-java}"
UPSTREAM_SUBJECT="conformance-as-user"

# ---------------------------------------------------------------------------
section "AS conformance: checking prerequisites"
need java npm curl "$SRC_DIR/package.json" "$SRC_DIR/as-conformance.mjs" "$UPSTREAM_SRC" "$ROOT/.ci/lib/harness.mjs" \
  "$JAR"
echo "server jar: ${JAR#"$ROOT"/}"
[[ -n "${RUNS//[[:space:]]/}" ]] || die "AS_CONFORMANCE_RUNS names no run"
for run in $RUNS; do
  case "$run" in
    quickstart|custom-oauth) ;;
    *) die "unknown run '$run' in AS_CONFORMANCE_RUNS (known: quickstart custom-oauth)" ;;
  esac
done

# ---------------------------------------------------------------------------
section "AS conformance: Chromium"
CHROMIUM="$(find_chromium)" || die "no Chromium to run the test with"
echo "chromium: $CHROMIUM ($(timeout 30 "$CHROMIUM" --version 2>/dev/null | head -n 1 || echo 'version unknown'))"

# ---------------------------------------------------------------------------
section "AS conformance: installing the packages of .ci/conformance-as/package.json and Node $NODE_MAJOR (local, git-ignored)"
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "$SRC_DIR/package.json"
# The scripts run next to their node_modules (ES modules resolve packages from the script's directory).
cp "$SRC_DIR/as-conformance.mjs" "$UPSTREAM_SRC" "$TOOLS_DIR/"
install_harness "$TOOLS_DIR"

# ---------------------------------------------------------------------------
case "$OUT_DIR" in
  ""|/|"$ROOT"|"$ROOT/") die "refusing to wipe output directory '$OUT_DIR'" ;;
esac
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
SERVER_PID=""
SERVER_WHAT="server"
UPSTREAM_PID=""

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$?
  trap - INT TERM
  stop_run "conformance driver"
  stop_pid "$SERVER_PID" "$SERVER_WHAT"
  stop_pid "$UPSTREAM_PID" "upstream identity provider"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SUMMARY=()
FAILED=0
# outcome RUN STATUS LOG: records one run's line for the closing summary, with the driver's count from LOG.
outcome() {
  local count verdict
  count="$(grep -E '^conformance-as .*: [0-9]+ passed, [0-9]+ failed$' "$3" | tail -n 1 | sed 's/^[^:]*: //' || true)"
  if [[ $2 -eq 124 ]]; then
    verdict="TIMED OUT after ${RUN_TIMEOUT}s"
  elif [[ $2 -ne 0 ]]; then
    verdict="FAILED (exit $2)"
  else
    verdict="PASSED"
  fi
  SUMMARY+=("$(printf '%-14s %-26s checks: %s' "$1" "$verdict" "${count:-no count}")")
  [[ "$verdict" == "PASSED" ]] || FAILED=1
}

# drive DIR MCP_URL SIGN_IN LABEL [UPSTREAM_ORIGIN]: runs the driver against a started server, bounded by
# RUN_TIMEOUT (its own watchdog ends it a few seconds earlier); sets RUN_STATUS.
drive() {
  local dir="$1" mcp_url="$2" sign_in="$3" label="$4" upstream="${5:-}"
  driver() {
    cd "$TOOLS_DIR" && AS_MCP_URL="$mcp_url" AS_CHROMIUM="$CHROMIUM" AS_OUT_DIR="$dir" AS_SIGN_IN="$sign_in" \
      AS_LABEL="$label" AS_UPSTREAM_ORIGIN="$upstream" AS_TOTAL_TIMEOUT_MS="$(( RUN_TIMEOUT * 1000 - 5000 ))" \
      exec timeout "$RUN_TIMEOUT" "$NODE" as-conformance.mjs
  }
  run_logged "$dir/test.log" driver
}

# start_server DIR NAME PORT [ENV...]: starts example NAME on 127.0.0.1:PORT with the extra environment, logging
# to DIR/server.log, and waits for /health.
start_server() {
  local dir="$1" name="$2" port="$3"
  shift 3
  env "$@" FASTMCP_HOST="127.0.0.1" FASTMCP_PORT="$port" "$JAVA" -jar "$JAR" "$name" >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  SERVER_WHAT="$name server"
  echo "$name server pid $SERVER_PID on port $port, log: ${dir#"$ROOT"/}/server.log"
  wait_for_health "http://127.0.0.1:$port/health" "$SERVER_PID" "$name server" "$dir/server.log" "$HEALTH_TIMEOUT" \
    || die "the $name server is not healthy"
  echo "$name server healthy"
}

# ---------------------------------------------------------------------------
run_quickstart() {
  local dir="$OUT_DIR/quickstart" port status
  section "AS conformance, quickstart: the proxy in front of the development identity provider"
  mkdir -p "$dir"
  port="$(choose_port "")" || die "no port for the quickstart server"
  start_server "$dir" quickstart "$port"
  drive "$dir" "http://127.0.0.1:$port/mcp" devidp quickstart
  status=$RUN_STATUS
  for shot in consent.png sign-in.png; do
    if [[ $status -eq 0 && ! -s "$dir/$shot" ]]; then
      echo "FAIL  no screenshot $shot" >&2
      status=1
    fi
  done
  [[ $status -eq 0 ]] || show_log "quickstart server log" "$dir/server.log"
  stop_pid "$SERVER_PID" "$SERVER_WHAT"
  SERVER_PID=""
  outcome quickstart "$status" "$dir/test.log"
}

# ---------------------------------------------------------------------------
run_custom_oauth() {
  local dir="$OUT_DIR/custom-oauth" port status issuer_file discovery upstream_issuer authorization_endpoint
  local token_endpoint upstream_client_id upstream_client_secret proxy_secret
  section "AS conformance, custom-oauth: the proxy in front of oauth2-mock-server"
  mkdir -p "$dir"
  issuer_file="$dir/upstream-issuer"
  upstream_client_id="fastmcp-conformance-as"
  upstream_client_secret="upstream-secret-$(random_token)"
  proxy_secret="proxy-secret-$(random_token)"
  [[ ${#upstream_client_secret} -gt 40 && ${#proxy_secret} -gt 40 ]] || die "could not generate random secrets"
  echo "upstream client secret and proxy secret: generated for this run (not printed)"

  (cd "$TOOLS_DIR" && UPSTREAM_ISSUER_FILE="$issuer_file" UPSTREAM_CLIENT_ID="$upstream_client_id" \
      UPSTREAM_CLIENT_SECRET="$upstream_client_secret" UPSTREAM_SUBJECT="$UPSTREAM_SUBJECT" \
      exec "$NODE" upstream.mjs) >"$dir/upstream.log" 2>&1 &
  UPSTREAM_PID=$!
  echo "upstream pid $UPSTREAM_PID, log: ${dir#"$ROOT"/}/upstream.log"
  local deadline=$(( SECONDS + HEALTH_TIMEOUT ))
  until [[ -s "$issuer_file" ]]; do
    if ! kill -0 "$UPSTREAM_PID" 2>/dev/null; then
      show_log "upstream log" "$dir/upstream.log"
      die "the upstream identity provider exited before listening"
    fi
    if (( SECONDS >= deadline )); then
      show_log "upstream log" "$dir/upstream.log"
      die "the upstream identity provider did not start within ${HEALTH_TIMEOUT}s"
    fi
    sleep 0.2
  done
  upstream_issuer="$(head -n 1 "$issuer_file")"
  [[ "$upstream_issuer" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "unexpected upstream issuer: $upstream_issuer"
  # The endpoints the proxy uses, as the upstream's discovery document names them.
  discovery="$(curl -fsS --max-time 5 "$upstream_issuer/.well-known/openid-configuration")" \
    || { show_log "upstream log" "$dir/upstream.log"; die "no discovery document at $upstream_issuer/.well-known/openid-configuration"; }
  authorization_endpoint="$(printf '%s' "$discovery" | sed -n 's/.*"authorization_endpoint":"\([^"]*\)".*/\1/p')"
  token_endpoint="$(printf '%s' "$discovery" | sed -n 's/.*"token_endpoint":"\([^"]*\)".*/\1/p')"
  [[ "$authorization_endpoint" == "$upstream_issuer/authorize" && "$token_endpoint" == "$upstream_issuer/token" ]] \
    || die "unexpected upstream endpoints: authorization '$authorization_endpoint', token '$token_endpoint'"
  echo "upstream issuer: $upstream_issuer  (authorize: /authorize, token: /token)"

  port="$(choose_port "")" || die "no port for the custom-oauth server"
  start_server "$dir" custom-oauth "$port" OAUTH_AUTHORIZATION_ENDPOINT="$authorization_endpoint" \
    OAUTH_TOKEN_ENDPOINT="$token_endpoint" OAUTH_CLIENT_ID="$upstream_client_id" \
    OAUTH_CLIENT_SECRET="$upstream_client_secret" OAUTH_SCOPES="openid profile" OAUTH_PROXY_SECRET="$proxy_secret"
  drive "$dir" "http://127.0.0.1:$port/mcp" auto custom-oauth "$upstream_issuer"
  status=$RUN_STATUS

  echo "upstream requests:"
  cat "$dir/upstream.log"
  # The proxy, not the client, talks to the upstream: the code exchange authenticated as the configured client.
  if ! grep -q '^upstream: token grant_type=authorization_code client_auth=\(basic\|post\) -> 200 ok' "$dir/upstream.log"; then
    echo "FAIL  the upstream never saw a successful authorization_code exchange by the configured client" >&2
    status=1
  fi
  if grep -q -e 'invalid_client' -e 'client_id=unexpected' "$dir/upstream.log"; then
    echo "FAIL  the proxy presented wrong client credentials to the upstream" >&2
    status=1
  fi
  if [[ $status -eq 0 && ! -s "$dir/consent.png" ]]; then
    echo "FAIL  no screenshot consent.png" >&2
    status=1
  fi
  if grep -rqF -e "$upstream_client_secret" -e "$proxy_secret" "$dir"; then
    echo "FAIL  a secret appears in the logs or results" >&2
    status=1
  fi
  [[ $status -eq 0 ]] || show_log "custom-oauth server log" "$dir/server.log"
  stop_pid "$SERVER_PID" "$SERVER_WHAT"
  SERVER_PID=""
  stop_pid "$UPSTREAM_PID" "upstream identity provider"
  UPSTREAM_PID=""
  outcome custom-oauth "$status" "$dir/test.log"
}

for run in $RUNS; do
  case "$run" in
    quickstart)   run_quickstart ;;
    custom-oauth) run_custom_oauth ;;
  esac
done

# ---------------------------------------------------------------------------
section "AS conformance: result"
echo "logs and results: ${OUT_DIR#"$ROOT"/}/<run>/ (server.log, test.log, results/*/checks.json)"
printf '%s\n' "${SUMMARY[@]}"
if [[ $FAILED -ne 0 ]]; then
  echo "AS conformance FAILED" >&2
  exit 1
fi
echo "AS conformance PASSED"
