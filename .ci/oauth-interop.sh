#!/usr/bin/env bash
# OAuth proxy interop test, two official SDK clients against one fastmcp-java "oauth-interop" example (an
# OAuthProxy) in front of a real upstream provider, oauth2-mock-server (.ci/oauth-interop/upstream.mjs):
#  1. the TypeScript MCP SDK client (@modelcontextprotocol/sdk; both pinned in .ci/oauth-interop/package.json)
#     runs the whole OAuth flow, refresh and revocation included; a headless browser in the test approves on the
#     proxy's consent page. The test is .ci/oauth-interop/oauth-flow.mjs. It then signs in as a client identified
#     by a Client ID Metadata Document (CIMD): its client_id is the URL of a JSON document that the test serves
#     over https (.ci/oauth-interop/documents.mjs) and the server fetches; nothing is registered. Documents the
#     server must refuse (outside its allow-list, or whose client_id is not their own URL) get an error page.
#     For that, this script makes a throwaway test CA and a certificate for localhost and 127.0.0.1 (in the output
#     directory, its CA key deleted once used), gives the server's JVM a trust store holding only that CA, and
#     starts the server with FASTMCP_DEV_INSECURE_CIMD=1 (documents on this machine) and FASTMCP_CIMD_ALLOWED
#     (documents under https://localhost:PORT/clients/ only).
#     Last, it acts as two machine clients of the client-credentials grant (the MCP extension
#     io.modelcontextprotocol/oauth-client-credentials; .ci/oauth-interop/machine-clients.mjs), with the SDK's
#     ClientCredentialsProvider and PrivateKeyJwtProvider: no browser, no registration. For that, this script makes
#     a random secret and an EC P-256 key pair for the run (in the output directory), and gives the server the
#     secret and the public JWK set (MACHINE_CLIENT_SECRET, MACHINE_CLIENT_JWKS), the test the secret and the
#     private key.
#  2. then the Java SDK's client of MCP 2026-07-28 (.ci/java-modern-client, ModernClientOAuth) signs in through
#     the proxy from its authorization error handler (its own browser approves), calls the tools, steps up to a
#     scope, completes an input-required round, and sees an altered requestState, another user's (a second
#     upstream user, chosen by a cookie the upstream reads) and another client's refused.
# One server and one upstream serve both; each test is bounded in time, and either failing fails the script.
#
# Prerequisite: the examples jar, built by `mvn -B verify` (or `mvn -B -DskipTests package`).
# Needs: java 17+ and its keytool, mvn (to build the Java client), npm (any Node version; Node 22 is installed
# locally via npm), curl, openssl.
#
# Optional environment:
#   OAUTH_INTEROP_PORT          fixed port for the server (default: a free port)
#   OAUTH_INTEROP_CIMD_PORT     fixed port for the test's https server of metadata documents (default: a free port)
#   OAUTH_INTEROP_TIMEOUT       seconds allowed for the TypeScript test run (default: 300)
#   OAUTH_INTEROP_JAVA_TIMEOUT  seconds allowed for the Java client run (default: 120)
#   OAUTH_INTEROP_OUT_DIR       output directory, wiped at start (default: target/oauth-interop); holds server.log,
#                               upstream.log, test.log (TypeScript), java-client.log, and tls/ (the test CA's
#                               certificate, the documents server's key and certificate, the JVM's trust store)
#                               and machine/ (the machine client's private key and public JWK set)
#   HEALTH_TIMEOUT              seconds to wait for the upstream and for /health (default: 60)
#   INTEROP_JAR                 server jar (default: fastmcp-examples/target/fastmcp-examples.jar)
#   JAVA                        java executable (default: java)
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NODE_MAJOR="22"
SRC_DIR="$ROOT/.ci/oauth-interop"
CLIENT_DIR="$ROOT/.ci/java-modern-client"
CLIENT_JAR="$CLIENT_DIR/target/java-modern-client.jar"
TOOLS_DIR="$ROOT/.ci/.tools/oauth-interop"
JAR="${INTEROP_JAR:-$ROOT/fastmcp-examples/target/fastmcp-examples.jar}"
RUN_TIMEOUT="${OAUTH_INTEROP_TIMEOUT:-300}"
JAVA_CLIENT_TIMEOUT="${OAUTH_INTEROP_JAVA_TIMEOUT:-120}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
OUT_DIR="${OAUTH_INTEROP_OUT_DIR:-$ROOT/target/oauth-interop}"
JAVA="${JAVA:-java}"
SERVER_LOG="$OUT_DIR/server.log"
UPSTREAM_LOG="$OUT_DIR/upstream.log"
TEST_LOG="$OUT_DIR/test.log"
JAVA_CLIENT_LOG="$OUT_DIR/java-client.log"
ISSUER_FILE="$OUT_DIR/upstream-issuer"
UPSTREAM_SUBJECT="oauth-interop-user"

# ---------------------------------------------------------------------------
section "OAuth interop: checking prerequisites"
need java npm "mvn (needed to build the Java client)" curl \
  "openssl (needed for the test certificate of the CIMD documents)" \
  "$SRC_DIR/package.json" "$SRC_DIR/oauth-flow.mjs" "$SRC_DIR/documents.mjs" "$SRC_DIR/upstream.mjs" \
  "$SRC_DIR/machine-clients.mjs" "$ROOT/.ci/lib/harness.mjs" "$CLIENT_DIR/pom.xml" "$JAR"
echo "server jar: ${JAR#"$ROOT"/}"
# keytool of the same JDK as java, else the one on PATH: it writes the server's trust store.
KEYTOOL="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/keytool"
if [[ ! -x "$KEYTOOL" ]]; then
  KEYTOOL="$(command -v keytool 2>/dev/null)" || die "keytool not found next to $JAVA nor on PATH (it comes with the JDK)"
fi

# ---------------------------------------------------------------------------
section "OAuth interop: installing the packages of .ci/oauth-interop/package.json and Node $NODE_MAJOR (local, git-ignored)"
npm_tools "$TOOLS_DIR" "$NODE_MAJOR" "$SRC_DIR/package.json"
# The scripts run next to their node_modules (ES modules resolve packages from the script's directory).
cp "$SRC_DIR/oauth-flow.mjs" "$SRC_DIR/documents.mjs" "$SRC_DIR/upstream.mjs" "$SRC_DIR/machine-clients.mjs" \
  "$TOOLS_DIR/"
install_harness "$TOOLS_DIR"

# ---------------------------------------------------------------------------
section "OAuth interop: building the Java client, .ci/java-modern-client (its own pom, not part of the build)"
mvn -B -q -f "$CLIENT_DIR/pom.xml" package
[[ -f "$CLIENT_JAR" ]] || die "the client build finished without ${CLIENT_JAR#"$ROOT"/}"
echo "client: $(cd "$CLIENT_DIR/target/lib" && ls mcp-core-*.jar reactor-core-*.jar | tr '\n' ' ')"

# ---------------------------------------------------------------------------
section "OAuth interop: choosing a port and secrets"
PORT="$(choose_port "${OAUTH_INTEROP_PORT:-}")" || die "no port for the server (OAUTH_INTEROP_PORT)"
# The server's default base URL is http://127.0.0.1:PORT; the client uses that origin too.
MCP_URL="http://127.0.0.1:$PORT/mcp"
CIMD_PORT="$(choose_port "${OAUTH_INTEROP_CIMD_PORT:-}")" || die "no port for the documents server (OAUTH_INTEROP_CIMD_PORT)"
[[ "$CIMD_PORT" != "$PORT" ]] || die "the server and the documents server cannot share port $PORT"
# The server accepts metadata documents under this prefix only; the test also serves some outside it.
CIMD_ALLOWED="https://localhost:$CIMD_PORT/clients/*"
echo "port: $PORT  (MCP endpoint: $MCP_URL; the upstream gets a port from the OS)"
echo "documents port: $CIMD_PORT  (the server accepts client metadata documents at $CIMD_ALLOWED)"

UPSTREAM_CLIENT_ID="fastmcp-oauth-interop"
UPSTREAM_CLIENT_SECRET="upstream-secret-$(random_token)"
OAUTH_PROXY_SECRET="proxy-secret-$(random_token)"
# The machine client interop-report's secret: hex, which HTTP Basic carries the same with or without the
# form-urlencoding of RFC 6749 section 2.3.1 (the TypeScript SDK does not apply it).
MACHINE_CLIENT_SECRET="$(random_token)"
[[ ${#UPSTREAM_CLIENT_SECRET} -gt 40 && ${#OAUTH_PROXY_SECRET} -gt 40 && ${#MACHINE_CLIENT_SECRET} -ge 64 ]] \
  || die "could not generate random secrets"
echo "upstream client secret, proxy secret and machine client secret: generated for this run (not printed)"

# ---------------------------------------------------------------------------
section "OAuth interop: the output directory"
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
  stop_run "OAuth interop test"
  stop_pid "$SERVER_PID" "oauth-interop server"
  stop_pid "$UPSTREAM_PID" "upstream identity provider"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
section "OAuth interop: a throwaway test CA, a certificate for localhost and 127.0.0.1, the server's trust store"
TLS_DIR="$OUT_DIR/tls"
CIMD_CA="$TLS_DIR/ca.pem"
CIMD_TLS_KEY="$TLS_DIR/documents.key"
CIMD_TLS_CERT="$TLS_DIR/documents.pem"
TRUST_STORE="$TLS_DIR/truststore.p12"
TRUST_STORE_PASSWORD="$(random_token)"
mkdir -p "$TLS_DIR"
# EC P-256 keys, valid two days; made fresh for every run.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$TLS_DIR/ca.key" -out "$CIMD_CA" -subj "/CN=fastmcp oauth-interop test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null \
  || die "openssl could not make the test CA"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$CIMD_TLS_KEY" -out "$TLS_DIR/documents.csr" -subj "/CN=localhost" 2>/dev/null \
  || die "openssl could not make the documents server's key"
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$TLS_DIR/documents.ext"
openssl x509 -req -days 2 -in "$TLS_DIR/documents.csr" -CA "$CIMD_CA" -CAkey "$TLS_DIR/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -extfile "$TLS_DIR/documents.ext" -out "$CIMD_TLS_CERT" 2>/dev/null \
  || die "openssl could not sign the documents server's certificate"
# Nothing else is ever signed with it.
rm -f "$TLS_DIR/ca.key" "$TLS_DIR/documents.csr"
openssl verify -CAfile "$CIMD_CA" "$CIMD_TLS_CERT" >/dev/null || die "the documents server's certificate does not verify"
"$KEYTOOL" -importcert -noprompt -alias fastmcp-oauth-interop-test-ca -file "$CIMD_CA" -keystore "$TRUST_STORE" \
    -storetype PKCS12 -storepass "$TRUST_STORE_PASSWORD" >/dev/null 2>&1 \
  || die "keytool could not write the trust store"
echo "test CA, certificate (localhost, 127.0.0.1) and trust store: ${TLS_DIR#"$ROOT"/}/"

# ---------------------------------------------------------------------------
section "OAuth interop: the machine client's key pair (private_key_jwt)"
MACHINE_DIR="$OUT_DIR/machine"
MACHINE_KEY="$MACHINE_DIR/interop-deploy.key"
MACHINE_JWKS="$MACHINE_DIR/interop-deploy.jwks.json"
mkdir -p "$MACHINE_DIR"
# An EC P-256 private key (PKCS#8 PEM, readable by this user only), fresh for every run; the test signs with it.
(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$MACHINE_KEY" 2>/dev/null) \
  || die "openssl could not make the machine client's key"
# Its longest base64 line stands for the whole key when the logs are searched for secrets.
MACHINE_KEY_LINE="$(grep -v -e '^-----' "$MACHINE_KEY" | awk '{ if (length($0) > length(l)) l = $0 } END { print l }')"
[[ ${#MACHINE_KEY_LINE} -ge 40 ]] || die "unexpected format of the machine client's key"
# Its public JWK set for the server ({"keys": [...]}, no private member), the key named by its RFC 7638 thumbprint.
"$NODE" -e '
const { createHash, createPublicKey } = require("node:crypto");
const { readFileSync, writeFileSync } = require("node:fs");
const [keyFile, jwksFile] = process.argv.slice(1);
const jwk = createPublicKey(readFileSync(keyFile)).export({ format: "jwk" });
if (jwk.kty !== "EC" || jwk.crv !== "P-256" || "d" in jwk) throw new Error("not a public EC P-256 key");
const thumbprint = createHash("sha256").update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
  .digest("base64url");
writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...jwk, kid: thumbprint, use: "sig", alg: "ES256" }] }, null, 2) + "\n");
' "$MACHINE_KEY" "$MACHINE_JWKS" || die "could not write the machine client's public JWK set"
grep -q '"d"' "$MACHINE_JWKS" && die "the public JWK set holds a private member"
echo "machine client key pair: ${MACHINE_DIR#"$ROOT"/}/ (the server gets the public JWK set only)"

# ---------------------------------------------------------------------------
section "OAuth interop: starting the upstream identity provider (oauth2-mock-server)"
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
  if (( SECONDS >= deadline )); then
    show_log "upstream log" "$UPSTREAM_LOG"
    die "the upstream identity provider did not start within ${HEALTH_TIMEOUT}s"
  fi
  sleep 0.2
done
UPSTREAM_ISSUER="$(head -n 1 "$ISSUER_FILE")"
[[ "$UPSTREAM_ISSUER" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "unexpected upstream issuer: $UPSTREAM_ISSUER"
# The endpoints the proxy uses, as the upstream's discovery document names them.
DISCOVERY="$(curl -fsS --max-time 5 "$UPSTREAM_ISSUER/.well-known/openid-configuration")" \
  || { show_log "upstream log" "$UPSTREAM_LOG"; die "no discovery document at $UPSTREAM_ISSUER/.well-known/openid-configuration"; }
discovered() {
  printf '%s' "$DISCOVERY" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}
UPSTREAM_AUTHORIZATION_ENDPOINT="$(discovered authorization_endpoint)"
UPSTREAM_TOKEN_ENDPOINT="$(discovered token_endpoint)"
[[ "$UPSTREAM_AUTHORIZATION_ENDPOINT" == "$UPSTREAM_ISSUER/authorize" && "$UPSTREAM_TOKEN_ENDPOINT" == "$UPSTREAM_ISSUER/token" ]] \
  || die "unexpected upstream endpoints: authorization '$UPSTREAM_AUTHORIZATION_ENDPOINT', token '$UPSTREAM_TOKEN_ENDPOINT'"
echo "upstream issuer: $UPSTREAM_ISSUER  (authorize: /authorize, token: /token)"

# ---------------------------------------------------------------------------
section "OAuth interop: starting the oauth-interop server"
# The JVM trusts the test CA only (for the CIMD documents; the upstream is plain http on loopback).
FASTMCP_HOST="127.0.0.1" FASTMCP_PORT="$PORT" \
  FASTMCP_DEV_INSECURE_CIMD=1 FASTMCP_CIMD_ALLOWED="$CIMD_ALLOWED" \
  UPSTREAM_AUTHORIZATION_ENDPOINT="$UPSTREAM_AUTHORIZATION_ENDPOINT" UPSTREAM_TOKEN_ENDPOINT="$UPSTREAM_TOKEN_ENDPOINT" \
  UPSTREAM_CLIENT_ID="$UPSTREAM_CLIENT_ID" UPSTREAM_CLIENT_SECRET="$UPSTREAM_CLIENT_SECRET" \
  OAUTH_PROXY_SECRET="$OAUTH_PROXY_SECRET" \
  MACHINE_CLIENT_SECRET="$MACHINE_CLIENT_SECRET" MACHINE_CLIENT_JWKS="$MACHINE_JWKS" \
  "$JAVA" -Djavax.net.ssl.trustStore="$TRUST_STORE" -Djavax.net.ssl.trustStoreType=PKCS12 \
    -Djavax.net.ssl.trustStorePassword="$TRUST_STORE_PASSWORD" -jar "$JAR" oauth-interop >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "oauth-interop server pid $SERVER_PID, log: ${SERVER_LOG#"$ROOT"/}"

wait_for_health "http://127.0.0.1:$PORT/health" "$SERVER_PID" "oauth-interop server" "$SERVER_LOG" \
  "$HEALTH_TIMEOUT" || die "the oauth-interop server is not healthy"
grep -qF "FASTMCP_CIMD_ALLOWED: client metadata documents are accepted only from $CIMD_ALLOWED" "$SERVER_LOG" \
  || { show_log "server log" "$SERVER_LOG"; die "the server did not report the allow-list FASTMCP_CIMD_ALLOWED=$CIMD_ALLOWED"; }
grep -q '^oauth-interop: the client-credentials grant is on for .*interop-report, client secret.*interop-deploy, private_key_jwt' \
    "$SERVER_LOG" \
  || { show_log "server log" "$SERVER_LOG"; die "the server did not report its machine clients interop-report and interop-deploy"; }
echo "oauth-interop server healthy"

# ---------------------------------------------------------------------------
section "OAuth interop: TypeScript SDK client against $MCP_URL"
# timeout bounds the test, and the test's own watchdog ends it a few seconds earlier.
typescript_test() {
  cd "$TOOLS_DIR" && OAUTH_INTEROP_MCP_URL="$MCP_URL" OAUTH_INTEROP_UPSTREAM_ISSUER="$UPSTREAM_ISSUER" \
    OAUTH_INTEROP_UPSTREAM_SUBJECT="$UPSTREAM_SUBJECT" \
    OAUTH_INTEROP_CIMD_PORT="$CIMD_PORT" OAUTH_INTEROP_CIMD_TLS_KEY="$CIMD_TLS_KEY" \
    OAUTH_INTEROP_CIMD_TLS_CERT="$CIMD_TLS_CERT" OAUTH_INTEROP_CIMD_CA="$CIMD_CA" \
    OAUTH_INTEROP_MACHINE_SECRET="$MACHINE_CLIENT_SECRET" OAUTH_INTEROP_MACHINE_KEY="$MACHINE_KEY" \
    OAUTH_INTEROP_TOTAL_TIMEOUT_MS="$(( RUN_TIMEOUT * 1000 - 5000 ))" \
    exec timeout "$RUN_TIMEOUT" "$NODE" oauth-flow.mjs
}
run_logged "$TEST_LOG" typescript_test
status=$RUN_STATUS

# ---------------------------------------------------------------------------
section "OAuth interop: the Java SDK's client of MCP 2026-07-28 against $MCP_URL"
# Same server and upstream, bounded by its own timeout.
run_logged "$JAVA_CLIENT_LOG" env OAUTH_INTEROP_MCP_URL="$MCP_URL" OAUTH_INTEROP_UPSTREAM_ISSUER="$UPSTREAM_ISSUER" \
  OAUTH_INTEROP_UPSTREAM_SUBJECT="$UPSTREAM_SUBJECT" \
  timeout "$JAVA_CLIENT_TIMEOUT" "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$CLIENT_JAR" dev.fastmcp.ci.modern.ModernClientOAuth
java_status=$RUN_STATUS
if [[ $java_status -eq 0 ]] && ! grep -q '^java-modern-oauth: [1-9][0-9]* passed, 0 failed$' "$JAVA_CLIENT_LOG"; then
  echo "FAIL  the Java client printed no closing count" >&2
  java_status=1
fi

section "OAuth interop: upstream requests"
cat "$UPSTREAM_LOG"
# The proxy, not the client, talks to the upstream: the code exchange authenticated as the configured client.
if ! grep -q '^upstream: token grant_type=authorization_code client_auth=\(basic\|post\) -> 200 ok' "$UPSTREAM_LOG"; then
  echo "FAIL  the upstream never saw a successful authorization_code exchange by the configured client" >&2
  status=1
fi
if grep -q -e 'invalid_client' -e 'client_id=unexpected' "$UPSTREAM_LOG"; then
  echo "FAIL  the proxy presented wrong client credentials to the upstream" >&2
  status=1
fi

# The Java client signed in a second upstream user.
if [[ $java_status -eq 0 ]] && ! grep -q '^upstream: authorize .* user=oauth-interop-second-user$' "$UPSTREAM_LOG"; then
  echo "FAIL  the upstream never signed in the Java client's second user" >&2
  java_status=1
fi

section "OAuth interop: result"
echo "logs: ${TEST_LOG#"$ROOT"/}  ${JAVA_CLIENT_LOG#"$ROOT"/}  ${SERVER_LOG#"$ROOT"/}  ${UPSTREAM_LOG#"$ROOT"/}"
if grep -qF -e "$UPSTREAM_CLIENT_SECRET" -e "$OAUTH_PROXY_SECRET" -e "$MACHINE_CLIENT_SECRET" -e "$MACHINE_KEY_LINE" \
    "$SERVER_LOG" "$TEST_LOG" "$JAVA_CLIENT_LOG" "$UPSTREAM_LOG"; then
  echo "a secret appears in the logs" >&2
  status=1
fi
# report <what> <exit status> <timeout>: one line per test, the server log on failure
report() {
  if [[ $2 -eq 124 ]]; then
    echo "$1 TIMED OUT after ${3}s" >&2
  elif [[ $2 -ne 0 ]]; then
    echo "$1 FAILED (exit $2)" >&2
  else
    echo "$1 PASSED"
  fi
}
report "OAuth interop test (TypeScript SDK)" "$status" "$RUN_TIMEOUT"
report "OAuth interop test (Java SDK, MCP 2026-07-28)" "$java_status" "$JAVA_CLIENT_TIMEOUT"
if [[ $status -ne 0 || $java_status -ne 0 ]]; then
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "note: the oauth-interop server is no longer running" >&2
  fi
  show_log "server log" "$SERVER_LOG"
  exit 1
fi
exit 0
