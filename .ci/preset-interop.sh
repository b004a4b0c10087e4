#!/usr/bin/env bash
# Preset interop test: the official TypeScript MCP SDK client signs in through the Keycloak and Auth0 presets, as
# the fastmcp-java examples `keycloak` (KeycloakProvider) and `auth0` (Auth0Provider) run them, each in front of an
# emulation of its identity provider on 127.0.0.1 (.ci/oauth-interop/preset-upstream.mjs: oauth2-mock-server at
# the provider's own paths, with its issuer, client authentication, refresh tokens and token claims, as
# .ci/oauth-interop/presets.mjs describes them). For each preset, one after the other:
#  1. the emulator starts (a port from the OS) and the example is started against it: KEYCLOAK_REALM_URL, or
#     AUTH0_DOMAIN (the emulator's loopback origin) and AUTH0_AUDIENCE (an API whose permissions the user holds),
#     the client id and a secret made for the run, and OAUTH_PROXY_SECRET;
#  2. the TypeScript SDK client (.ci/oauth-interop/preset-flow.mjs) goes through discovery, registration, the
#     proxy's consent page (a headless browser in the test approves), the emulated provider, the proxy's callback
#     and the code exchange; lists the tools; calls whoami, whose answer shows the typed session (Keycloak's
#     username, realm and client roles; Auth0's name and permissions) and, for Keycloak, a tool behind
#     requireRole("admin"); then refreshes twice. The emulated access tokens live 20 s, less than the proxy's margin,
#     so that each refresh of the client's tokens refreshes the provider's too;
#  3. the emulator's log must show the code exchange and the refreshes authenticated by the preset's method (HTTP
#     Basic for Keycloak, the form for Auth0), and no refused or misdirected request.
# The packages are those of .ci/oauth-interop/package.json (installed as .ci/oauth-interop.sh does, in the same
# git-ignored directory). A preset failing fails the script, after the other one ran.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+, npm (any Node version; Node 22 is installed locally via npm), curl.
#
# Optional environment:
#   PRESET_INTEROP_PRESETS   the presets to test, space-separated (default: keycloak auth0)
#   PRESET_INTEROP_PORT      fixed port for the example (default: a free port for each)
#   PRESET_INTEROP_TIMEOUT   seconds allowed for the TypeScript test of one preset (default: 120)
#   PRESET_INTEROP_AUTH0_AUDIENCE  the identifier of the Auth0 API the example asks tokens for (default:
#                            https://notes.example.com/api); set but empty, none: Auth0's access tokens are then opaque
#                            and the session has no permissions
#   PRESET_INTEROP_OUT_DIR   output directory, wiped at start (default: target/preset-interop); holds, for each
#                            preset, <preset>/server.log, upstream.log and test.log
#   HEALTH_TIMEOUT           seconds to wait for the emulator and for /health (default: 60)
#   INTEROP_JAR              server jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                     java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_MAJOR="22"
SRC_DIR="$ROOT/.ci/oauth-interop"
TOOLS_DIR="$ROOT/.ci/.tools/oauth-interop"
JAR="${INTEROP_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
PRESETS="${PRESET_INTEROP_PRESETS:-keycloak auth0}"
RUN_TIMEOUT="${PRESET_INTEROP_TIMEOUT:-120}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${PRESET_INTEROP_OUT_DIR:-$ROOT/target/preset-interop}"
JAVA="${JAVA:-java}"
# Below the proxy's 30 s margin: every refresh grant of the proxy also refreshes the provider's tokens.
UPSTREAM_ACCESS_TTL=20
KEYCLOAK_REALM="fastmcp"
# The identifier of the Auth0 API the example asks tokens for (an identifier only: nothing is fetched from it).
AUTH0_API="${PRESET_INTEROP_AUTH0_AUDIENCE-https://notes.example.com/api}"

# ---------------------------------------------------------------------------
section "Preset interop: checking prerequisites"
need java npm curl "$SRC_DIR/package.json" "$SRC_DIR/presets.mjs" "$SRC_DIR/preset-upstream.mjs" \
  "$SRC_DIR/preset-flow.mjs" "$ROOT/.ci/lib/harness.mjs" "$JAR"
for kind in $PRESETS; do
  case "$kind" in
    keycloak|auth0) ;;
    *) die "unknown preset '$kind' in PRESET_INTEROP_PRESETS: give keycloak, auth0 or both" ;;
  esac
done
[[ -n "${PRESETS// /}" ]] || die "PRESET_INTEROP_PRESETS names no preset"
echo "server jar: ${JAR#"$ROOT"/}  presets: $PRESETS"

# ---------------------------------------------------------------------------
section "Preset interop: installing the packages of .ci/oauth-interop/package.json and Node $NODE_MAJOR (local, git-ignored)"
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "$SRC_DIR/package.json"
# The scripts run next to their node_modules (ES modules resolve packages from the script's directory).
cp "$SRC_DIR/presets.mjs" "$SRC_DIR/preset-upstream.mjs" "$SRC_DIR/preset-flow.mjs" "$TOOLS_DIR/"
install_harness "$TOOLS_DIR"

# ---------------------------------------------------------------------------
section "Preset interop: the output directory"
case "$OUT_DIR" in
  ""|/|"$ROOT"|"$ROOT/") die "refusing to wipe output directory '$OUT_DIR'" ;;
esac
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
echo "output: ${OUT_DIR#"$ROOT"/}/ (wiped)"
SERVER_PID=""
UPSTREAM_PID=""

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$?
  trap - INT TERM
  stop_run "preset interop test"
  stop_pid "$SERVER_PID" "example server"
  stop_pid "$UPSTREAM_PID" "emulated identity provider"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# test_preset KIND: runs the test of one preset; sets STATUS (0 when it passed). Ends the script (die) when the
# emulator or the example cannot be started.
test_preset() {
  local kind="$1" dir="$OUT_DIR/$1" port client_id client_secret proxy_secret base issuer discovery auth_method audience
  local server_log="$OUT_DIR/$1/server.log" upstream_log="$OUT_DIR/$1/upstream.log" test_log="$OUT_DIR/$1/test.log"
  local base_file="$OUT_DIR/$1/upstream-base" deadline
  local -a server_env
  mkdir -p "$dir"
  STATUS=0

  section "Preset interop ($kind): a port and secrets"
  port="$(choose_port "${PRESET_INTEROP_PORT:-}")" || die "no port for the example (PRESET_INTEROP_PORT)"
  client_id="fastmcp-$kind-example"
  client_secret="$kind-secret-$(random_token)"
  proxy_secret="proxy-secret-$(random_token)"
  [[ ${#client_secret} -gt 40 && ${#proxy_secret} -gt 40 ]] || die "could not generate random secrets"
  echo "port: $port  (MCP endpoint: http://127.0.0.1:$port/mcp; the emulator gets a port from the OS)"
  echo "client id at the provider: $client_id; its secret and the proxy secret: generated for this run (not printed)"

  section "Preset interop ($kind): starting the emulated identity provider"
  (cd "$TOOLS_DIR" && PRESET_UPSTREAM_KIND="$kind" PRESET_UPSTREAM_BASE_FILE="$base_file" \
      PRESET_UPSTREAM_CLIENT_ID="$client_id" PRESET_UPSTREAM_CLIENT_SECRET="$client_secret" \
      PRESET_UPSTREAM_REDIRECT_URI="http://127.0.0.1:$port/oauth/callback" PRESET_UPSTREAM_REALM="$KEYCLOAK_REALM" \
      PRESET_UPSTREAM_AUDIENCE="$AUTH0_API" PRESET_UPSTREAM_ACCESS_TTL="$UPSTREAM_ACCESS_TTL" \
      exec "$NODE" preset-upstream.mjs) >"$upstream_log" 2>&1 &
  UPSTREAM_PID=$!
  echo "emulator pid $UPSTREAM_PID, log: ${upstream_log#"$ROOT"/}"
  deadline=$(( SECONDS + HEALTH_TIMEOUT ))
  until [[ -s "$base_file" ]]; do
    if ! kill -0 "$UPSTREAM_PID" 2>/dev/null; then
      show_log "emulator log" "$upstream_log"
      die "the emulated $kind exited before listening"
    fi
    if (( SECONDS >= deadline )); then
      show_log "emulator log" "$upstream_log"
      die "the emulated $kind did not start within ${HEALTH_TIMEOUT}s"
    fi
    sleep 0.2
  done
  base="$(head -n 1 "$base_file")"
  case "$kind" in
    keycloak) issuer="$base"; auth_method="basic"
      [[ "$base" =~ ^http://127\.0\.0\.1:[0-9]+/realms/$KEYCLOAK_REALM$ ]] || die "unexpected realm URL: $base" ;;
    auth0) issuer="$base/"; auth_method="post"
      [[ "$base" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "unexpected Auth0 origin: $base" ;;
  esac
  discovery="$(curl -fsS --max-time 5 "$base/.well-known/openid-configuration")" \
    || { show_log "emulator log" "$upstream_log"; die "no discovery document at $base/.well-known/openid-configuration"; }
  [[ "$discovery" == *"\"issuer\":\"$issuer\""* ]] || die "the emulator's issuer is not $issuer: $discovery"
  echo "emulated $kind: $base  (issuer $issuer)"

  section "Preset interop ($kind): starting the example '$kind'"
  server_env=(FASTMCP_HOST=127.0.0.1 "FASTMCP_PORT=$port" "OAUTH_PROXY_SECRET=$proxy_secret")
  case "$kind" in
    keycloak) server_env+=("KEYCLOAK_REALM_URL=$base" "KEYCLOAK_CLIENT_ID=$client_id" \
                "KEYCLOAK_CLIENT_SECRET=$client_secret") ;;
    auth0) server_env+=("AUTH0_DOMAIN=$base" "AUTH0_CLIENT_ID=$client_id" "AUTH0_CLIENT_SECRET=$client_secret")
           if [[ -n "$AUTH0_API" ]]; then
             server_env+=("AUTH0_AUDIENCE=$AUTH0_API")
           fi ;;
  esac
  env "${server_env[@]}" "$JAVA" -jar "$JAR" "$kind" >"$server_log" 2>&1 &
  SERVER_PID=$!
  echo "example pid $SERVER_PID, log: ${server_log#"$ROOT"/}"
  wait_for_health "http://127.0.0.1:$port/health" "$SERVER_PID" "example '$kind'" "$server_log" "$HEALTH_TIMEOUT" \
    || die "the example '$kind' is not healthy"
  grep -qF "$kind: MCP server at http://127.0.0.1:$port/mcp" "$server_log" \
    || { show_log "server log" "$server_log"; die "the example did not report its MCP endpoint http://127.0.0.1:$port/mcp"; }
  echo "example '$kind' healthy"

  section "Preset interop ($kind): TypeScript SDK client against http://127.0.0.1:$port/mcp"
  # timeout bounds the test, and the test's own watchdog ends it a few seconds earlier.
  audience=""
  if [[ "$kind" == auth0 ]]; then
    audience="$AUTH0_API"
  fi
  run_logged "$test_log" env -C "$TOOLS_DIR" PRESET_FLOW_KIND="$kind" PRESET_FLOW_MCP_URL="http://127.0.0.1:$port/mcp" \
    PRESET_FLOW_UPSTREAM_BASE="$base" PRESET_FLOW_CLIENT_ID="$client_id" PRESET_FLOW_REALM="$KEYCLOAK_REALM" \
    PRESET_FLOW_AUDIENCE="$audience" \
    PRESET_FLOW_TOTAL_TIMEOUT_MS="$(( RUN_TIMEOUT * 1000 - 5000 ))" \
    timeout "$RUN_TIMEOUT" "$NODE" preset-flow.mjs
  STATUS=$RUN_STATUS
  if [[ $STATUS -eq 0 ]] && ! grep -q '^preset-interop: [1-9][0-9]* passed, 0 failed$' "$test_log"; then
    echo "FAIL  the test printed no closing count" >&2
    STATUS=1
  fi

  section "Preset interop ($kind): requests to the emulated provider"
  stop_pid "$SERVER_PID" "example server"
  SERVER_PID=""
  stop_pid "$UPSTREAM_PID" "emulated identity provider"
  UPSTREAM_PID=""
  cat "$upstream_log"
  if ! grep -q "^preset-upstream: token grant_type=authorization_code client_auth=$auth_method -> 200 ok" "$upstream_log"; then
    echo "FAIL  no code exchange at the provider authenticated by client_secret_$auth_method" >&2
    STATUS=1
  fi
  if [[ "$(grep -c "^preset-upstream: token grant_type=refresh_token client_auth=$auth_method -> 200 ok" "$upstream_log")" -lt 2 ]]; then
    echo "FAIL  the provider's tokens were not refreshed with each refresh of the client's (client_secret_$auth_method)" >&2
    STATUS=1
  fi
  if grep -q -e ' -> 4[0-9][0-9]' -e ' -> 5[0-9][0-9]' -e 'authorize refused' "$upstream_log"; then
    echo "FAIL  the provider refused a request, or one went to a path it does not serve" >&2
    STATUS=1
  fi
  if grep -qF -e "$client_secret" -e "$proxy_secret" "$server_log" "$test_log" "$upstream_log"; then
    echo "FAIL  a secret appears in the logs" >&2
    STATUS=1
  fi
  if [[ $STATUS -ne 0 ]]; then
    show_log "server log" "$server_log"
  fi
}

declare -A RESULTS=()
failed=0
for kind in $PRESETS; do
  test_preset "$kind"
  RESULTS[$kind]=$STATUS
  [[ $STATUS -eq 0 ]] || failed=1
done

section "Preset interop: result"
echo "logs: ${OUT_DIR#"$ROOT"/}/<preset>/{test,server,upstream}.log"
for kind in $PRESETS; do
  case "${RESULTS[$kind]}" in
    0) echo "preset interop ($kind) PASSED" ;;
    124) echo "preset interop ($kind) TIMED OUT after ${RUN_TIMEOUT}s" >&2 ;;
    *) echo "preset interop ($kind) FAILED (exit ${RESULTS[$kind]})" >&2 ;;
  esac
done
exit "$failed"
