#!/usr/bin/env python3
"""Cold start: milliseconds from spawning a server to its first answered MCP ``initialize`` (or, with
``--until tools-call``, to its first answered ``tools/call``: ``add`` with a=1, b=2, in the session the initialize
opened, after ``notifications/initialized``).

    coldstart.py --label java-cds --runs 5 --out cold.tsv [--until tools-call] [--log server.log] -- java ... {port} ...

Each run picks a free loopback port, puts it in FASTMCP_PORT and in place of every ``{port}`` in the
command, spawns the command (directly, no shell) and, from this one process, POSTs the initialize to
http://127.0.0.1:<port>/mcp every 5 ms until a reply carries a JSON-RPC ``result``. The time is taken from
just before the spawn to the moment that reply is read; the server's resident set (VmRSS) is read right
then. The server is then stopped (SIGTERM, up to 10 s, then SIGKILL) before the next run. Each run appends
``label<TAB>ms<TAB>rss_kib`` to --out; the runs and their median go to stderr. Exits 1 when a server exits
or gives no answer within --timeout seconds.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

INIT_BODY = (b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
             b'"capabilities":{},"clientInfo":{"name":"bench","version":"1.0"}}}')
POLL_SECONDS = 0.005


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port):
    return (f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json, text/event-stream\r\nContent-Length: {len(INIT_BODY)}\r\n"
            f"Connection: close\r\n\r\n").encode("ascii") + INIT_BODY


def post(port, body, session, deadline):
    """A POST of ``body`` to /mcp in ``session`` (or none); the reply's head and body, read to its end."""
    extra = f"Mcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-06-18\r\n" if session else ""
    payload = (f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
               f"Accept: application/json, text/event-stream\r\n{extra}Content-Length: {len(body)}\r\n"
               f"Connection: close\r\n\r\n").encode("ascii") + body
    with socket.create_connection(("127.0.0.1", port), timeout=max(0.1, min(5.0, deadline - time.monotonic()))) as s:
        s.sendall(payload)
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
            head, sep, rest = reply.partition(b"\r\n\r\n")
            if not sep:
                continue
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")[1:]
                           if line.lower().startswith(b"content-length:")), None)
            # A JSON reply ends at its length; a stream (SSE) may stay open, so it ends at its JSON-RPC answer.
            if length is not None and len(rest) >= length:
                break
            if length is None and (b'"result"' in rest or b'"error"' in rest):
                break
    head, _, rest = reply.partition(b"\r\n\r\n")
    return head, rest


def session_of(head):
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"mcp-session-id":
            return value.strip().decode("ascii")
    return None


INITIALIZED = b'{"jsonrpc":"2.0","method":"notifications/initialized"}'
CALL = b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}'


def first_call(port, deadline):
    """After an answered initialize: opens a session and calls ``add``; raises when the call is not answered."""
    head, _ = post(port, INIT_BODY, None, deadline)
    session = session_of(head)
    if session is None:
        raise RuntimeError("initialize opened no session (Mcp-Session-Id)")
    post(port, INITIALIZED, session, deadline)
    head, body = post(port, CALL, session, deadline)
    if not head.startswith(b"HTTP/1.1 200") or b'"result"' not in body:
        raise RuntimeError("tools/call was not answered with a result: " + body[:300].decode(errors="replace"))


def try_initialize(port, payload, deadline):
    """One attempt: True when the server answered with a JSON-RPC result, False when it is not there yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=max(0.1, min(5.0, deadline - time.monotonic()))) as s:
            s.sendall(payload)
            reply = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
                head, sep, body = reply.partition(b"\r\n\r\n")
                if sep and b'"result"' in body:
                    return head.startswith(b"HTTP/1.1 200")
    except OSError:
        return False
    return False


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def stop(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def one_run(command, log, timeout, until):
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in command]
    env = dict(os.environ, FASTMCP_PORT=str(port))
    payload = request(port)
    with open(log, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = start + timeout
            while time.monotonic() < deadline:
                if try_initialize(port, payload, deadline):
                    if until == "tools-call":
                        first_call(port, deadline)
                    ms = (time.monotonic() - start) * 1000
                    return round(ms), rss_kib(proc.pid)
                if proc.poll() is not None:
                    raise RuntimeError(f"the server exited with status {proc.returncode} before answering")
                time.sleep(POLL_SECONDS)
            raise RuntimeError(f"no answer to initialize within {timeout:g} s")
        finally:
            stop(proc)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--label", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--out", required=True, help="the TSV the rows are appended to")
    p.add_argument("--log", default=os.devnull, help="where the server's output goes (the last run's)")
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for one answer")
    p.add_argument("--until", choices=["initialize", "tools-call"], default="initialize",
                   help="the answer that ends the measure: the first initialize, or the first tools/call after it")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not command:
        p.error("no server command given")
    times = []
    for _ in range(a.runs):
        try:
            ms, rss = one_run(command, a.log, a.timeout, a.until)
        except (RuntimeError, OSError) as e:
            print(f"cold start {a.label} failed: {e}", file=sys.stderr)
            if a.log != os.devnull:
                with open(a.log, errors="replace") as f:
                    sys.stderr.write(f.read()[-4000:])
            return 1
        times.append(ms)
        with open(a.out, "a") as f:
            f.write(f"{a.label}\t{ms}\t{rss}\n")
    print(f"cold start {a.label}: {' '.join(map(str, times))} ms (median {statistics.median(times):g})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
