// The load balancer of the scale-out test: a round-robin HTTP reverse proxy on 127.0.0.1, on Node's http module
// alone. Run by .ci/scale-out.sh in front of the instances of the "oauth-interop" example.
//
// Environment:
//   BALANCER_PORT      the port to listen on (required)
//   BALANCER_BACKENDS  the instances, comma-separated NAME=PORT pairs on 127.0.0.1, e.g. instance-1=8081,instance-2=8082
//                      (required)
//   BALANCER_READY_FILE  written with "ready" once listening (optional)
//
// Every request goes to the next instance in turn (strict round robin: two requests in a row never go to the same
// instance while two or more are up). An instance that refuses the connection is skipped, and the request goes to
// the one after it, so a stopped instance is routed around; it is then passed over for 2 seconds before it is
// tried again. Nothing is retried once connected. Bodies are streamed
// both ways, never buffered: a request body is piped to the instance once it accepted the connection, a response
// (SSE included) reaches the client as the instance writes it. The Host header is passed through, X-Forwarded-For
// gets the client's address appended, and each response carries X-Served-By: NAME, the instance that answered,
// X-Balancer-Request: N, the request's number (1, 2, ...) in the order requests arrived, and, when instances
// refused it first, X-Balancer-Skipped: their names.
//
// One line per request goes to stdout: its number, method, path (never the query, which may carry codes), the
// instance, the status, and any instance skipped; a count per instance when it stops (SIGTERM, SIGINT).

import http from 'node:http';
import { writeFileSync } from 'node:fs';

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`balancer: set ${name}`);
    process.exit(2);
  }
  return value;
}

const PORT = Number(requireEnv('BALANCER_PORT'));
const BACKENDS = requireEnv('BALANCER_BACKENDS').split(',').map((entry) => {
  const [name, port] = entry.trim().split('=');
  if (!name || !/^[0-9]{1,5}$/.test(port ?? '')) {
    console.error(`balancer: BALANCER_BACKENDS entries are NAME=PORT, not '${entry}'`);
    process.exit(2);
  }
  return { name, port: Number(port), served: 0, refused: 0, downUntil: 0 };
});

// Hop-by-hop headers (RFC 9110 section 7.6.1): each connection has its own; Node frames the bodies itself.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate',
  'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

let cursor = 0; // the index of the next instance in turn
let requests = 0;
// An instance that refused a connection is passed over for this long, then tried again (it may be back).
const DOWN_FOR_MS = 2000;

/**
 * The next instance in turn that is not known to be down (else the next in turn); the cursor moves past it, so
 * that the request after this one goes elsewhere. -1 when every instance was tried.
 */
function nextBackend(tried) {
  const now = Date.now();
  for (const skipDown of [true, false]) {
    for (let i = 0; i < BACKENDS.length; i++) {
      const index = (cursor + i) % BACKENDS.length;
      if (tried.has(index) || (skipDown && BACKENDS[index].downUntil > now)) continue;
      cursor = (index + 1) % BACKENDS.length;
      return index;
    }
  }
  return -1;
}

const server = http.createServer((req, res) => {
  const number = ++requests;
  const path = (req.url ?? '/').split('?')[0];
  const tried = new Set();
  const skipped = [];
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  let clientGone = false;
  res.on('close', () => { clientGone = true; });

  const attempt = () => {
    const index = nextBackend(tried);
    if (index < 0) {
      console.log(`balancer: #${number} ${req.method} ${path} -> no instance accepts connections `
        + `(skipped ${skipped.join(', ')}) 502`);
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Bad Gateway: no instance accepts connections\n');
      return;
    }
    tried.add(index);
    const backend = BACKENDS[index];
    let connected = false;
    const upstream = http.request({
      host: '127.0.0.1',
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: { ...endToEnd(req.headers), 'x-forwarded-for': forwardedFor },
      agent: false, // one connection per request: a stopped instance shows as a refused connection, never a stale one
    });
    upstream.on('socket', (socket) => {
      socket.on('connect', () => {
        connected = true;
        req.pipe(upstream);
      });
    });
    upstream.on('response', (answer) => {
      backend.served++;
      const skip = skipped.length ? ` (skipped ${skipped.join(', ')}: connection refused)` : '';
      console.log(`balancer: #${number} ${req.method} ${path} -> ${backend.name} ${answer.statusCode}${skip}`);
      res.writeHead(answer.statusCode, answer.statusMessage, {
        ...endToEnd(answer.headers), 'x-served-by': backend.name, 'x-balancer-request': String(number),
        ...(skipped.length ? { 'x-balancer-skipped': skipped.join(', ') } : {}),
      });
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      answer.on('close', () => { if (!answer.complete) res.destroy(); });
      res.on('close', () => { if (!answer.complete) answer.destroy(); });
    });
    upstream.on('error', (error) => {
      if (!connected && !clientGone && (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET')) {
        backend.refused++;
        backend.downUntil = Date.now() + DOWN_FOR_MS;
        skipped.push(backend.name);
        attempt();
        return;
      }
      console.log(`balancer: #${number} ${req.method} ${path} -> ${backend.name} failed: ${error.code ?? error.message}`);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Bad Gateway: ${backend.name} failed\n`);
      } else {
        res.destroy();
      }
    });
    req.on('aborted', () => upstream.destroy());
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
  };
  attempt();
});

// No timeouts of its own: SSE streams stay open as long as both ends keep them.
server.requestTimeout = 0;
server.headersTimeout = 30_000;
server.keepAliveTimeout = 5_000;

server.listen(PORT, '127.0.0.1', () => {
  console.log(`balancer: listening on http://127.0.0.1:${PORT}, round robin over `
    + BACKENDS.map((b) => `${b.name} (127.0.0.1:${b.port})`).join(', '));
  if (process.env.BALANCER_READY_FILE) writeFileSync(process.env.BALANCER_READY_FILE, 'ready\n');
});

const stop = () => {
  console.log(`balancer: ${requests} requests; ${BACKENDS.map((b) => `${b.name} served ${b.served}`
    + `${b.refused ? ` (refused ${b.refused})` : ''}`).join(', ')}`);
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
