#!/usr/bin/env bash
# The benchmark harness: fastmcp-java side by side with FastMCP TypeScript and a plain Undertow handler, on
# loopback, then cold start, memory and the JMH suite. Writes BENCHMARKS.md at the repository root.
#
#   benchmarks/run.sh                                  # the full run: 15 s x 3 runs per case, after a warm-up
#   BENCH_DURATION=3 BENCH_RUNS=1 benchmarks/run.sh    # a quick check of the harness itself
#
# Settings (environment): BENCH_DURATION (s per run, 15), BENCH_RUNS (3), BENCH_WARMUP (s, 30),
# BENCH_CONNECTIONS (16), BENCH_THREADS (wrk threads at BENCH_CONNECTIONS, 2), BENCH_COLD_RUNS (5; 0 skips the
# cold start, and with it the need for the examples jar),
# BENCH_JVM_FLAGS (the flags the README recommends), BENCH_ONE_FLAG (the single flag the README gives for memory,
# -Xmx128m, measured in the case java-hs256-oneflag), BENCH_CASES (space-separated subset of the case names),
# BENCH_JAVA25_HOME (a JDK 25 or later: cold start also with its ahead-of-time cache, made here for the jar),
# BENCH_JMH (1: run the JMH suite), BENCH_OUT (the report: BENCHMARKS.md for a full run with the default settings,
# else BENCHMARKS.md in the run's folder under benchmarks/.results, so a quick check never replaces the committed
# report), BENCH_SKIP_BUILD (1: use the
# jars as built).
#
# Cases on Redis, not in the default list (the full run needs no Redis, and its report keeps its meaning); name
# them in BENCH_CASES, next to their baselines java-hs256 and java-token:
#   java-hs256-redis     java-hs256 with the proxy's storage a RedisTokenStorage (MCP sessions on the instance);
#   java-token-redis     java-token on that storage;
#   java-hs256-redis-2x  two hs256 instances on one Redis (same secret, the balancer's URL as their base URL, MCP
#                        sessions in Redis too) behind Undertow's reverse proxy (BenchServer balancer, round robin):
#                        measured at one instance directly (java-hs256-redis-1x), then through the balancer.
# Each case starts its own redis-server ($REDIS_SERVER, else Debian's, see .ci/lib.sh) on a free loopback port,
# without persistence, and stops it by its PID at the end of the case. The CPU of redis-server and the balancer is
# reported apart from the servers', with Redis commands per request.
#   BENCH_CASES="java-hs256 java-hs256-redis java-hs256-redis-2x java-token java-token-redis" benchmarks/run.sh
#
# Needs: java 17, mvn, node + npm, curl, wrk (installed with apt-get when missing and allowed), python3 or node;
# redis-server 6.2 or later for the Redis cases. The TypeScript peer is installed only when a case or the cold
# start needs it.
# Not part of CI: it is long and its numbers depend on the machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$ROOT/benchmarks"
# shellcheck source=../.ci/lib.sh
source "$ROOT/.ci/lib.sh"

DURATION="${BENCH_DURATION:-15}"
RUNS="${BENCH_RUNS:-3}"
WARMUP="${BENCH_WARMUP:-30}"
CONNS="${BENCH_CONNECTIONS:-16}"
THREADS="${BENCH_THREADS:-2}"
COLD_RUNS="${BENCH_COLD_RUNS:-5}"
JVM_FLAGS="${BENCH_JVM_FLAGS:--Xms16m -Xmn12m -Xmx128m -XX:+UseSerialGC -XX:-TieredCompilation -XX:TrimNativeHeapInterval=1000}"
ONE_FLAG="${BENCH_ONE_FLAG:--Xmx128m}"
CASES="${BENCH_CASES:-plain java-none java-hs256 java-hs256-2026 java-none-bearer java-rs256 java-stateless java-hs256-defaults java-hs256-oneflag ts-none ts-hs256 java-token java-init ts-init}"
RUN_JMH="${BENCH_JMH:-1}"
TOOLS="$BENCH_DIR/.tools"
WORK="$BENCH_DIR/.results/$(date +%Y%m%d-%H%M%S)"
if [[ -n "${BENCH_OUT:-}" ]]; then
  OUT="$BENCH_OUT"
elif [[ "$DURATION/$RUNS/$WARMUP/$CONNS/$THREADS/${BENCH_CASES:-all}/$RUN_JMH/$COLD_RUNS" == "15/3/30/16/2/all/1/5" ]]; then
  OUT="$ROOT/BENCHMARKS.md"
else
  OUT="$WORK/BENCHMARKS.md"
fi
BENCH_JAR="$ROOT/fastmcp-benchmarks/target/benchmarks.jar"
EXAMPLES_JAR="$ROOT/fastmcp-examples/target/fastmcp-examples.jar"
CDS_ARCHIVE="$ROOT/fastmcp-examples/target/fastmcp-examples.jsa"
export BENCH_WRK_DIR="$BENCH_DIR/wrk"
export NODE="${NODE:-$(command -v node || true)}"
CLK_TCK="$(getconf CLK_TCK)"
MCP_HEADERS=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
INIT_BODY='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1.0"}}}'

mkdir -p "$WORK"
printf '%s\n' "$ONE_FLAG" >"$WORK/one-flag"
printf '%s\n' "$JVM_FLAGS" >"$WORK/jvm-flags"
# The commit measured, as the run starts (a report written later names it, whatever the tree became meanwhile).
{ git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown
  git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | { grep -v 'BENCHMARKS.md$' || true; } | head -1; } >"$WORK/commit"
cut -d' ' -f1-3 /proc/loadavg >"$WORK/loadavg-start"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- tools ---------------------------------------------------------------------------------------------------

wants() { [[ " $CASES " == *" $1 "* ]]; }
NEEDS_TS=0
if wants ts-none || wants ts-hs256 || wants ts-init || [[ "$COLD_RUNS" != 0 ]]; then NEEDS_TS=1; fi
NEEDS_REDIS=0
if wants java-hs256-redis || wants java-token-redis || wants java-hs256-redis-2x; then NEEDS_REDIS=1; fi

command -v java >/dev/null || die "java not found"
command -v curl >/dev/null || die "curl not found"
[[ "$NEEDS_TS" == 0 || -n "$NODE" ]] || die "node not found (needed for the FastMCP TypeScript peer)"
if ! command -v wrk >/dev/null; then
  log "wrk not found; installing it with apt-get"
  apt-get install -y wrk >/dev/null 2>&1 || die "could not install wrk; install it (apt-get install wrk) and rerun"
fi
if [[ "$NEEDS_TS" == 1 && ! -f "$TOOLS/fastmcp-ts/node_modules/fastmcp/package.json" ]]; then
  log "installing fastmcp@4.20.16 (git-ignored, in benchmarks/.tools)"
  mkdir -p "$TOOLS/fastmcp-ts"
  cp "$BENCH_DIR/ts/package.json" "$TOOLS/fastmcp-ts/package.json"
  (cd "$TOOLS/fastmcp-ts" && npm install --no-audit --no-fund >/dev/null) || die "npm install failed"
fi
if [[ "$NEEDS_TS" == 1 ]]; then cp "$BENCH_DIR/ts/server.mjs" "$TOOLS/fastmcp-ts/server.mjs"; fi
if [[ "$NEEDS_REDIS" == 1 ]]; then
  REDIS_SERVER_BIN="$(find_redis_server)" || die "no redis-server (needed by the Redis cases)"
  redis_version="$("$REDIS_SERVER_BIN" --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')"
  [[ "$redis_version" =~ ^([0-9]+)\.([0-9]+) ]] || die "cannot read the version of $REDIS_SERVER_BIN"
  if (( BASH_REMATCH[1] < 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] < 2) )); then
    die "$REDIS_SERVER_BIN is Redis $redis_version; RedisTokenStorage needs 6.2 or later (GETDEL)"
  fi
  log "redis-server: $REDIS_SERVER_BIN (Redis $redis_version)"
  echo "$redis_version" >"$WORK/redis-version"
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building (mvn -P benchmarks package -DskipTests)"
  (cd "$ROOT" && mvn -B -q -P benchmarks package -DskipTests) || die "build failed"
fi
[[ -f "$BENCH_JAR" && ( "$COLD_RUNS" == 0 || -f "$EXAMPLES_JAR" ) ]] \
  || die "jars missing; build with: mvn -B -P benchmarks package -DskipTests"

# ---- processes -----------------------------------------------------------------------------------------------

SERVER_PID=""      # the server of the case
CASE_PIDS=()       # every process of the case, in the order started (the server, redis-server, a balancer...)
MEASURED_PIDS=""   # whose CPU and RSS are the server's (space-separated; empty: SERVER_PID)
AUX_PIDS=""        # other helpers whose CPU is reported apart: the balancer
REDIS_PID=""       # the case's redis-server, when it has one (its CPU reported apart too)
REDIS_PORT=""

# stop_one <pid>: TERM, up to 10 s, then KILL.
stop_one() {
  local pid="$1" _
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# stop_server: stops every process of the case, the last started first.
stop_server() {
  local i
  for (( i = ${#CASE_PIDS[@]} - 1; i >= 0; i-- )); do stop_one "${CASE_PIDS[$i]}"; done
  CASE_PIDS=()
  SERVER_PID=""; MEASURED_PIDS=""; AUX_PIDS=""; REDIS_PID=""; REDIS_PORT=""
}
trap stop_server EXIT

# start_process <log> <command...>: starts it in the background (pid in STARTED_PID, stopped with the case) and
# waits (at most 120 s) for "ready".
start_process() {
  local logfile="$1"; shift
  "$@" >"$logfile" 2>&1 &
  STARTED_PID=$!
  CASE_PIDS+=("$STARTED_PID")
  local _
  for _ in $(seq 1 1200); do
    grep -q '^ready' "$logfile" 2>/dev/null && return 0
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$logfile" >&2; die "server exited before it was ready: $*"; }
    sleep 0.1
  done
  die "server not ready after 120 s: $*"
}

# start_server <log> <command...>: start_process, for the server of the case (SERVER_PID).
start_server() {
  start_process "$@"
  SERVER_PID="$STARTED_PID"
}

# start_redis <dir>: a redis-server of the case's own on a free loopback port, no persistence (log in <dir>);
# sets REDIS_PID, REDIS_PORT and REDIS_URL.
start_redis() {
  local dir="$1" _
  mkdir -p "$dir"
  REDIS_PORT="$(pick_free_port)"
  "$REDIS_SERVER_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --save "" --appendonly no \
    --dir "$dir" >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  CASE_PIDS+=("$REDIS_PID")
  for _ in $(seq 1 300); do
    port_in_use "$REDIS_PORT" && break
    kill -0 "$REDIS_PID" 2>/dev/null || { cat "$dir/redis.log" >&2; die "redis-server exited before listening"; }
    sleep 0.1
  done
  port_in_use "$REDIS_PORT" || die "redis-server did not listen within 30 s"
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
}

# redis_commands: the case's redis-server's total_commands_processed (INFO stats), 0 without one.
redis_commands() {
  [[ -n "$REDIS_PORT" ]] || { echo 0; return; }
  local reply
  reply="$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "INFO stats\r\nQUIT\r\n" >&3; cat <&3' _ \
    "$REDIS_PORT" 2>/dev/null || true)"
  reply="$(sed -n 's/^total_commands_processed:\([0-9]*\).*/\1/p' <<<"$reply")"
  echo "${reply:-0}"
}

# The sums over a list of pids (space-separated).
rss_kib() { local p s=0; for p in $1; do s=$((s + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done; echo "$s"; }
cpu_ticks() { local p s=0; for p in $1; do s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$s"; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
measured() { echo "${MEASURED_PIDS:-$SERVER_PID}"; }

# initialize <url> [token]: opens a session; prints its id (empty in stateless mode).
initialize() {
  local url="$1" token="${2:-}" headers="$WORK/init-headers" auth=()
  [[ -n "$token" ]] && auth=(-H "Authorization: Bearer $token")
  curl -sS -m 30 -D "$headers" -o "$WORK/init-body" "${MCP_HEADERS[@]}" "${auth[@]}" -d "$INIT_BODY" "$url" \
    || die "initialize failed at $url"
  grep -q '"result"' "$WORK/init-body" || die "initialize refused at $url: $(cat "$WORK/init-body")"
  local session
  session="$(awk 'tolower($1) == "mcp-session-id:" {print $2}' "$headers" | tr -d '\r')"
  local sid=()
  [[ -n "$session" ]] && sid=(-H "Mcp-Session-Id: $session")
  curl -sS -m 30 -o /dev/null "${MCP_HEADERS[@]}" "${auth[@]}" "${sid[@]}" -H 'MCP-Protocol-Version: 2025-06-18' \
    -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$url" || true
  echo "$session"
}

# wrk_run <case> <phase> <conns> <threads> <seconds> <url> <script>: one wrk run, recorded in results.tsv.
wrk_run() {
  local name="$1" phase="$2" conns="$3" threads="$4" secs="$5" url="$6" script="$7"
  local out="$WORK/$name-$phase.wrk" t0 b0 rss_mid sampler pids r0 a0 c0 p per0=()
  pids="$(measured)"
  t0="$(cpu_ticks "$pids")"; b0="$(busy_ticks)"; c0="$(redis_commands)"
  r0="$(cpu_ticks "$REDIS_PID")"; a0="$(cpu_ticks "$AUX_PIDS")"
  for p in $pids; do per0+=("$(cpu_ticks "$p")"); done
  (sleep "$(awk -v d="$secs" 'BEGIN {print d * 0.8}')"; rss_kib "$pids" >"$WORK/rss-mid") &
  sampler=$!
  local start_ns end_ns
  start_ns="$(date +%s%N)"
  BENCH_THREADS="$threads" wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency \
    -s "$BENCH_WRK_DIR/$script" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $name"; }
  end_ns="$(date +%s%N)"
  wait "$sampler" 2>/dev/null || true
  rss_mid="$(cat "$WORK/rss-mid" 2>/dev/null || echo 0)"
  local t1 b1 r1 a1 c1 line split="" i=0
  t1="$(cpu_ticks "$pids")"; b1="$(busy_ticks)"; c1="$(redis_commands)"
  r1="$(cpu_ticks "$REDIS_PID")"; a1="$(cpu_ticks "$AUX_PIDS")"
  if [[ "$pids" == *" "* ]]; then
    for p in $pids; do split="$split $(( $(cpu_ticks "$p") - per0[i] ))"; i=$((i + 1)); done
    split=" (CPU ticks per process:$split)"
  fi
  line="$(grep '^BENCH ' "$out" || true)"
  [[ -n "$line" ]] || { cat "$out" >&2; die "no result from wrk for $name"; }
  local requests rps p50 p99 bad errors
  requests="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")"
  rps="$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  bad="$(sed -E 's/.*bad=([0-9]+).*/\1/' <<<"$line")"
  errors="$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$line")"
  local cpu_us server_cores machine_cores wall_s
  wall_s="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN {printf "%.3f", (b - a) / 1e9}')"
  cpu_us="$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0)}')"
  server_cores="$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v w="$wall_s" 'BEGIN {printf "%.2f", t / hz / w}')"
  machine_cores="$(awk -v t="$((b1 - b0))" -v hz="$CLK_TCK" -v w="$wall_s" 'BEGIN {printf "%.2f", t / hz / w}')"
  # Helpers: redis-server's CPU per request and the commands it processed per request (INFO stats, the few of
  # the instances' heartbeats included), and the balancer's CPU per request.
  local redis_us aux_us redis_per_req helpers=""
  redis_us="$(awk -v t="$((r1 - r0))" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0)}')"
  aux_us="$(awk -v t="$((a1 - a0))" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0)}')"
  redis_per_req="$(awk -v c="$((c1 - c0))" -v n="$requests" 'BEGIN {printf "%.2f", (n > 0 ? c / n : 0)}')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$phase" "$conns" "$rps" "$p50" \
    "$p99" "$cpu_us" "$rss_mid" "$bad" "$errors" "$server_cores" "$machine_cores" "$redis_us" "$redis_per_req" \
    "$aux_us" >>"$RESULTS"
  [[ -n "$REDIS_PID" ]] && helpers=", redis-server $redis_us us CPU/req, $redis_per_req commands/req"
  [[ -n "${AUX_PIDS// /}" ]] && helpers="$helpers, balancer $aux_us us CPU/req"
  log "$name $phase c$conns: $rps req/s, p50 $p50 ms, p99 $p99 ms, $cpu_us us CPU/req, RSS $((rss_mid / 1024)) MiB, bad $bad, errors $errors, server $server_cores cores, machine $machine_cores cores$helpers$split"
}

# measure <case> <url> <script>: idle RSS, warm-up, RUNS runs at CONNS connections, RUNS runs at 1.
measure() {
  local name="$1" url="$2" script="$3"
  printf '%s\tidle\t0\t0\t0\t0\t0\t%s\t0\t0\t0\t0\t0\t0\t0\n' "$name" "$(rss_kib "$(measured)")" >>"$RESULTS"
  log "$name: warm-up ${WARMUP}s"
  wrk_run "$name" warmup "$CONNS" "$THREADS" "$WARMUP" "$url" "$script"
  local i
  for i in $(seq 1 "$RUNS"); do
    wrk_run "$name" "run$i" "$CONNS" "$THREADS" "$DURATION" "$url" "$script"
  done
  for i in $(seq 1 "$RUNS"); do
    wrk_run "$name" "c1-run$i" 1 1 "$DURATION" "$url" "$script"
  done
}

# java_server <case> <dir> [extra JVM flags...]: starts a BenchServer; sets PORT (and SERVER_PID). Its settings
# for Redis and several instances come from the environment (BENCH_REDIS_URL, BENCH_SECRET, ...: BenchServer).
java_server() {
  local kind="$1" dir="$2"; shift 2
  PORT="$(pick_free_port)"
  java_process "$kind" "$PORT" "$dir" "$@"
  SERVER_PID="$STARTED_PID"
}

# java_process <case> <port> <dir> [extra JVM flags...]: starts a BenchServer on that port (pid in STARTED_PID).
java_process() {
  local kind="$1" port="$2" dir="$3"; shift 3
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  start_process "$dir/server.log" java ${CASE_JVM_FLAGS-$JVM_FLAGS} "$@" -cp "$BENCH_JAR" dev.fastmcp.benchmarks.BenchServer \
    "$kind" "$port" "$dir"
}

# ts_server <none|hs256> <dir>: starts the FastMCP TypeScript peer; sets PORT (and SERVER_PID).
ts_server() {
  local mode="$1" dir="$2"
  PORT="$(pick_free_port)"
  mkdir -p "$dir"
  start_server "$dir/server.log" "$NODE" "$TOOLS/fastmcp-ts/server.mjs" "$PORT" "$mode" "$dir"
}

# ---- throughput cases ----------------------------------------------------------------------------------------

run_tools_call() { # run_tools_call <case> <java|ts> <server kind>
  local name="$1" impl="$2" kind="$3" dir="$WORK/$1" token="" session
  if [[ "$impl" == java ]]; then java_server "$kind" "$dir"; else ts_server "$kind" "$dir"; fi
  if [[ -f "$dir/token" ]]; then token="$(cat "$dir/token")"; fi
  session="$(initialize "http://127.0.0.1:$PORT/mcp" "$token")"
  BENCH_SESSION="$session" BENCH_TOKEN="$token" measure "$name" "http://127.0.0.1:$PORT/mcp" mcp.lua
  stop_server
}

if wants plain; then
  java_server plain "$WORK/plain"
  measure plain "http://127.0.0.1:$PORT/mcp" plain.lua
  stop_server
fi
if wants java-none; then run_tools_call java-none java none; fi
if wants java-hs256; then run_tools_call java-hs256 java hs256; fi
# The same server with the JVM's default flags (its default heap is a quarter of the machine's memory), then with
# the one flag the README gives for that case: what memory it takes when nobody tunes it.
if wants java-hs256-defaults; then CASE_JVM_FLAGS="" run_tools_call java-hs256-defaults java hs256; fi
if wants java-hs256-oneflag; then CASE_JVM_FLAGS="$ONE_FLAG" run_tools_call java-hs256-oneflag java hs256; fi
if wants java-none-bearer && [[ -f "$WORK/java-hs256/token" ]]; then
  # The no-auth server, sent the HS256 case's token (which it ignores): what the larger request costs by itself.
  java_server none "$WORK/java-none-bearer"
  token="$(cat "$WORK/java-hs256/token")"
  session="$(initialize "http://127.0.0.1:$PORT/mcp" "$token")"
  BENCH_SESSION="$session" BENCH_TOKEN="$token" measure java-none-bearer "http://127.0.0.1:$PORT/mcp" mcp.lua
  stop_server
fi
if wants java-hs256-2026; then
  # The 2026-07-28 revision on the same HS256 server: no initialize and no session, every request stands alone.
  java_server hs256 "$WORK/java-hs256-2026"
  BENCH_REVISION=2026-07-28 BENCH_TOKEN="$(cat "$WORK/java-hs256-2026/token")" \
    measure java-hs256-2026 "http://127.0.0.1:$PORT/mcp" mcp.lua
  stop_server
fi
if wants java-rs256; then run_tools_call java-rs256 java rs256; fi
if wants java-stateless; then run_tools_call java-stateless java stateless; fi
if wants ts-none; then run_tools_call ts-none ts none; fi
if wants ts-hs256; then run_tools_call ts-hs256 ts hs256; fi

if wants java-token; then
  # Refresh tokens rotate within one record per grant, so a sustained refresh load fits the recommended flags too.
  dir="$WORK/java-token"
  java_server hs256 "$dir" -Dbench.refreshPool=512
  BENCH_POOL="$dir/refresh-tokens" BENCH_CLIENT_ID="$(cat "$dir/client-id")" \
    measure java-token "http://127.0.0.1:$PORT/oauth/token" refresh.lua
  stop_server
fi

# ---- several instances on Redis (not in the default list) -----------------------------------------------------

if wants java-hs256-redis; then
  # java-hs256 with the proxy's state in Redis; the MCP session stays on the instance, as in java-hs256.
  start_redis "$WORK/java-hs256-redis"
  BENCH_REDIS_URL="$REDIS_URL" run_tools_call java-hs256-redis java hs256
fi
if wants java-token-redis; then
  dir="$WORK/java-token-redis"
  start_redis "$dir"
  BENCH_REDIS_URL="$REDIS_URL" java_server hs256 "$dir" -Dbench.refreshPool=512
  BENCH_POOL="$dir/refresh-tokens" BENCH_CLIENT_ID="$(cat "$dir/client-id")" \
    measure java-token-redis "http://127.0.0.1:$PORT/oauth/token" refresh.lua
  stop_server
fi

# check_call <url> <token> <session>: one tools/call answered with a result, or the run stops.
check_call() {
  local body
  body="$(curl -sS -m 30 "${MCP_HEADERS[@]}" -H "Authorization: Bearer $2" -H "Mcp-Session-Id: $3" \
    -H 'MCP-Protocol-Version: 2025-06-18' \
    -d '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}' "$1")" \
    || die "tools/call failed at $1"
  [[ "$body" == *'"result"'* ]] || die "tools/call refused at $1: $body"
}

if wants java-hs256-redis-2x; then
  # Two hs256 instances on one Redis, the same secret, the balancer's URL as their public base URL and the MCP
  # sessions in Redis, behind Undertow's reverse proxy (round robin): the session opened and the token minted by
  # one instance are served by both.
  dir="$WORK/java-hs256-redis-2x"
  start_redis "$dir"
  ports=()
  while (( ${#ports[@]} < 3 )); do
    p="$(pick_free_port)"
    [[ " ${ports[*]:-} " == *" $p "* || "$p" == "$REDIS_PORT" ]] || ports+=("$p")
  done
  balancer_url="http://127.0.0.1:${ports[0]}"
  # shellcheck disable=SC2086
  start_process "$dir/balancer.log" java $JVM_FLAGS -cp "$BENCH_JAR" dev.fastmcp.benchmarks.BenchServer balancer \
    "${ports[0]}" "http://127.0.0.1:${ports[1]}" "http://127.0.0.1:${ports[2]}"
  balancer_pid="$STARTED_PID"
  secret="$(random_token)"   # the same on both instances, fresh for the run, never printed
  # The second instance first: the first one's sign-in comes back through the balancer to either.
  BENCH_REDIS_URL="$REDIS_URL" BENCH_SECRET="$secret" BENCH_BASE_URL="$balancer_url" BENCH_SHARED_SESSIONS=true \
    java_process hs256 "${ports[2]}" "$dir/instance-2" -Dbench.refreshPool=0
  second_pid="$STARTED_PID"
  BENCH_REDIS_URL="$REDIS_URL" BENCH_SECRET="$secret" BENCH_BASE_URL="$balancer_url" BENCH_SHARED_SESSIONS=true \
    java_process hs256 "${ports[1]}" "$dir/instance-1" -Dbench.refreshPool=1
  first_pid="$STARTED_PID"
  SERVER_PID="$first_pid"
  token="$(cat "$dir/instance-1/token")"
  session="$(initialize "$balancer_url/mcp" "$token")"
  [[ -n "$session" ]] || die "no MCP session opened through the balancer"
  for url in "http://127.0.0.1:${ports[1]}/mcp" "http://127.0.0.1:${ports[2]}/mcp" "$balancer_url/mcp"; do
    check_call "$url" "$token" "$session"
  done
  log "java-hs256-redis-2x: the token and the session work at both instances and through the balancer"
  # One instance, directly (the other idles): the baseline of the same setup.
  MEASURED_PIDS="$first_pid"
  BENCH_SESSION="$session" BENCH_TOKEN="$token" measure java-hs256-redis-1x "http://127.0.0.1:${ports[1]}/mcp" mcp.lua
  # The second instance warmed up directly as well, then both through the balancer.
  MEASURED_PIDS="$second_pid"
  BENCH_SESSION="$session" BENCH_TOKEN="$token" wrk_run java-hs256-redis-2x warmup-instance2 "$CONNS" "$THREADS" \
    "$WARMUP" "http://127.0.0.1:${ports[2]}/mcp" mcp.lua
  MEASURED_PIDS="$first_pid $second_pid"
  AUX_PIDS="$balancer_pid"
  BENCH_SESSION="$session" BENCH_TOKEN="$token" measure java-hs256-redis-2x "$balancer_url/mcp" mcp.lua
  stop_server
fi

if wants java-init; then
  # Every initialize opens a session that lives until it idles out (10 s here): a larger heap holds them.
  java_server sessions "$WORK/java-init" -Xmx512m
  measure java-init "http://127.0.0.1:$PORT/mcp" initialize.lua
  stop_server
fi
if wants ts-init; then
  ts_server none "$WORK/ts-init"
  measure ts-init "http://127.0.0.1:$PORT/mcp" initialize.lua
  stop_server
fi

# ---- cold start ----------------------------------------------------------------------------------------------

# From spawning the server to its first answered tools/call (initialize, initialized, then tools/call add), COLD_RUNS
# times per line: benchmarks/coldstart.py
# polls from one process (no curl per attempt eating a core of this machine while the JVM starts), reads VmRSS
# at that moment and stops the server by PID (TERM, then KILL after 10 s); rows go to cold.tsv.
COLD="$WORK/cold.tsv"
: >"$COLD"
cold_start() { # cold_start <label> <command...>; "{port}" in the command becomes the port (also in FASTMCP_PORT)
  local label="$1"; shift
  python3 "$BENCH_DIR/coldstart.py" --label "$label" --runs "$COLD_RUNS" --out "$COLD" --log "$WORK/cold-$label.log" \
    --until tools-call --timeout 60 -- "$@" || die "cold start failed: $label (see $WORK/cold-$label.log)"
}

if [[ "$COLD_RUNS" != 0 ]]; then
  # The archive the build made (mvn package: a training run of the jar). It fits only that jar and the JDK that
  # wrote it: made again here, in the same way, only when it is missing (-Dcds.skip) or this java refuses it.
  if ! java -Xshare:on -XX:SharedArchiveFile="$CDS_ARCHIVE" -jar "$EXAMPLES_JAR" help >/dev/null 2>&1; then
    log "cold start: no usable AppCDS archive from the build; training run"
    rm -f "$CDS_ARCHIVE"
    FASTMCP_TRANSPORT=http FASTMCP_HOST=127.0.0.1 FASTMCP_PORT=0 timeout 120 java -Xlog:cds*=error \
      -XX:ArchiveClassesAtExit="$CDS_ARCHIVE" -cp "$EXAMPLES_JAR" dev.fastmcp.examples.CdsTraining \
      >"$WORK/cds-train.log" 2>&1 || { cat "$WORK/cds-train.log" >&2; die "the AppCDS training run failed"; }
    [[ -f "$CDS_ARCHIVE" ]] || die "the AppCDS training run wrote no archive"
  fi

  cold_start "java-default" java -jar "$EXAMPLES_JAR" calculator
  cold_start "java-cds" java -XX:SharedArchiveFile="$CDS_ARCHIVE" -jar "$EXAMPLES_JAR" calculator
  # shellcheck disable=SC2086
  cold_start "java-cds-flags" java -XX:SharedArchiveFile="$CDS_ARCHIVE" $JVM_FLAGS -jar "$EXAMPLES_JAR" calculator
  cold_start "ts" "$NODE" "$TOOLS/fastmcp-ts/server.mjs" "{port}" none "$WORK"

  if [[ -n "${BENCH_JAVA25_HOME:-}" ]]; then
    # The ahead-of-time cache (JEP 483/514/515) as a JDK 25 build makes it: the same training run, for this jar.
    JAVA25="$BENCH_JAVA25_HOME/bin/java"
    [[ -x "$JAVA25" ]] || die "BENCH_JAVA25_HOME has no bin/java: $BENCH_JAVA25_HOME"
    AOT_CACHE="$WORK/fastmcp-examples.aot"
    log "cold start: the JDK 25 ahead-of-time cache, training run"
    FASTMCP_TRANSPORT=http FASTMCP_HOST=127.0.0.1 FASTMCP_PORT=0 timeout 120 "$JAVA25" \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -XX:AOTCacheOutput="$AOT_CACHE" -cp "$EXAMPLES_JAR" \
      dev.fastmcp.examples.CdsTraining >"$WORK/aot-train.log" 2>&1 \
      || { cat "$WORK/aot-train.log" >&2; die "the ahead-of-time training run failed"; }
    cold_start "java25-aot" "$JAVA25" -XX:AOTCache="$AOT_CACHE" -jar "$EXAMPLES_JAR" calculator
    # shellcheck disable=SC2086
    cold_start "java25-aot-flags" "$JAVA25" -XX:AOTCache="$AOT_CACHE" $JVM_FLAGS -jar "$EXAMPLES_JAR" calculator
  fi
fi

# ---- JMH -----------------------------------------------------------------------------------------------------

JMH_CSV="$WORK/jmh.csv"
if [[ "$RUN_JMH" == 1 ]]; then
  log "JMH suite (short settings)"
  java -jar "$BENCH_JAR" -wi 2 -w 1s -i 3 -r 1s -f 1 -rf csv -rff "$JMH_CSV" 'dev.fastmcp.benchmarks.*Benchmark' \
    >"$WORK/jmh.log" 2>&1 || die "JMH failed: see $WORK/jmh.log"
fi

# ---- report --------------------------------------------------------------------------------------------------

log "writing $OUT"
python3 "$BENCH_DIR/report.py" "$WORK" "$OUT" \
  "DURATION=$DURATION RUNS=$RUNS WARMUP=$WARMUP CONNS=$CONNS THREADS=$THREADS JVM_FLAGS=$JVM_FLAGS"
log "done: $OUT (raw data in ${WORK#"$ROOT"/})"
