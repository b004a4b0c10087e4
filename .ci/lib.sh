#!/usr/bin/env bash
# Shared helpers of the .ci scripts; sourced, not run. Callers set NODE (a Node binary) before picking ports.

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
