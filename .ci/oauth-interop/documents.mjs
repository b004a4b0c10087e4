// The web server of the client metadata documents (Client ID Metadata Documents, CIMD) that oauth-flow.mjs
// signs in with: Node's https on 127.0.0.1, with the throwaway certificate .ci/oauth-interop.sh makes for
// localhost and 127.0.0.1 (signed by its own test CA, which the MCP server's JVM trusts). It serves the JSON
// documents it is given, and counts the requests for each path, so that a test can tell whether the MCP server
// fetched a document at all.

import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';

/** The header the test's own requests carry, so that they are not counted as the MCP server's. */
export const SELF_CHECK_HEADER = 'x-oauth-interop-self-check';

/**
 * Starts the server on 127.0.0.1:port. Returns { serve(path, document, headers), fetches(path), requests, close() }:
 * fetches(path) is how many GETs of that path came from anyone but the test itself; requests lists every request
 * as "METHOD path (sni NAME) -> status", for failure reports.
 */
export async function startDocumentServer({ port, keyFile, certFile }) {
  const documents = new Map(); // path -> { body, headers }
  const counts = new Map(); // path -> GETs by the MCP server
  const requests = [];
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
    const path = new URL(req.url, 'https://documents.invalid').pathname;
    const self = req.headers[SELF_CHECK_HEADER] === '1';
    const doc = req.method === 'GET' ? documents.get(path) : undefined;
    const status = doc ? 200 : req.method === 'GET' ? 404 : 405;
    if (req.method === 'GET' && !self) counts.set(path, (counts.get(path) ?? 0) + 1);
    requests.push(`${req.method} ${path} (sni ${req.socket.servername || '-'}${self ? ', the test' : ''}) -> ${status}`);
    if (!doc) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 404 ? 'no such document\n' : 'GET only\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', ...doc.headers }).end(doc.body);
  });
  server.on('tlsClientError', (error, socket) => {
    requests.push(`TLS handshake failed: ${error.code ?? error.message}`);
    socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    serve(path, document, headers = { 'cache-control': 'max-age=300' }) {
      documents.set(path, { body: JSON.stringify(document), headers });
    },
    fetches(path) {
      return counts.get(path) ?? 0;
    },
    requests,
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
