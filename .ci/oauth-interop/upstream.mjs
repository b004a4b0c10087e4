// The upstream identity provider of the OAuth proxy interop test: oauth2-mock-server (pinned in package.json),
// started programmatically on 127.0.0.1 with a port chosen by the OS. Run by .ci/oauth-interop.sh.
//
// Environment:
//   UPSTREAM_ISSUER_FILE    where to write the issuer URL once listening (required; the script waits for it)
//   UPSTREAM_CLIENT_ID      the only client accepted at /token (required)
//   UPSTREAM_CLIENT_SECRET  its secret, by HTTP Basic or in the body (required)
//   UPSTREAM_SUBJECT        the `sub` of every token (default oauth-interop-user)
//
// oauth2-mock-server auto-approves at /authorize and accepts any client and any refresh token. This wrapper
// makes /token stricter, so the test notices a proxy that gets them wrong: the client must authenticate with
// the configured id and secret, and a refresh token must be one this process issued (each used once).
// One line per request goes to stdout (method, path, grant type, client authentication; never a token or code).

import { OAuth2Server } from 'oauth2-mock-server';
import { writeFileSync, renameSync } from 'node:fs';

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`upstream: set ${name}`);
    process.exit(2);
  }
  return value;
}

const ISSUER_FILE = requireEnv('UPSTREAM_ISSUER_FILE');
const CLIENT_ID = requireEnv('UPSTREAM_CLIENT_ID');
const CLIENT_SECRET = requireEnv('UPSTREAM_CLIENT_SECRET');
const SUBJECT = process.env.UPSTREAM_SUBJECT || 'oauth-interop-user';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');

/** How the request authenticated its client: 'basic', 'post', 'none', or 'bad' (wrong id or secret). */
function clientAuth(req) {
  const header = req.headers.authorization ?? '';
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    const unform = (s) => decodeURIComponent(s.replaceAll('+', ' '));
    let id;
    let secret;
    try {
      id = unform(decoded.slice(0, colon));
      secret = unform(decoded.slice(colon + 1));
    } catch {
      return 'bad';
    }
    return colon > 0 && id === CLIENT_ID && secret === CLIENT_SECRET ? 'basic' : 'bad';
  }
  const body = req.body ?? {};
  if (body.client_secret !== undefined) {
    return body.client_id === CLIENT_ID && body.client_secret === CLIENT_SECRET ? 'post' : 'bad';
  }
  return 'none';
}

const issuedRefreshTokens = new Set();

server.service.on('beforeTokenSigning', (token) => {
  token.payload.sub = SUBJECT;
  token.payload.name = 'OAuth Interop User';
  token.payload.email = 'oauth-interop-user@example.com';
});

server.service.on('beforeUserinfo', (response) => {
  response.body = { sub: SUBJECT, name: 'OAuth Interop User', email: 'oauth-interop-user@example.com' };
});

// Runs for every /token request that reached the point of answering: the place to refuse.
server.service.on('beforeResponse', (response, req) => {
  const grant = req.body?.grant_type;
  const auth = clientAuth(req);
  let verdict = 'ok';
  if (auth === 'bad' || auth === 'none') {
    response.statusCode = 401;
    response.body = { error: 'invalid_client', error_description: 'client authentication failed' };
    verdict = 'invalid_client';
  } else if (grant === 'refresh_token' && !issuedRefreshTokens.delete(req.body.refresh_token)) {
    response.statusCode = 400;
    response.body = { error: 'invalid_grant', error_description: 'unknown or used refresh token' };
    verdict = 'invalid_grant';
  } else if (response.statusCode === 200 && response.body?.refresh_token) {
    issuedRefreshTokens.add(response.body.refresh_token);
  }
  console.log(`upstream: token grant_type=${grant} client_auth=${auth} -> ${response.statusCode} ${verdict}`);
});

// Logged without the values of code, state, nonce or the challenge.
server.service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const q = new URL(req.url, 'http://upstream').searchParams;
  const target = redirect.url;
  const has = (name) => (q.has(name) ? 'yes' : 'no');
  console.log(`upstream: authorize client_id=${q.get('client_id') === CLIENT_ID ? 'ok' : 'unexpected'}`
    + ` redirect_uri=${target.origin}${target.pathname} scope="${q.get('scope') ?? ''}"`
    + ` state=${has('state')} nonce=${has('nonce')} code_challenge_method=${q.get('code_challenge_method') ?? 'none'}`
    + ` resource=${has('resource')}`);
});

server.service.on('beforeRevoke', () => {
  console.log('upstream: revoke');
});

await server.start(0, '127.0.0.1');
// The default issuer for 127.0.0.1 is http://localhost:PORT; keep the address the server really listens on,
// so that clients resolving "localhost" to ::1 do not miss it.
const { port } = server.address();
server.issuer.url = `http://127.0.0.1:${port}`;

const tmp = `${ISSUER_FILE}.tmp`;
writeFileSync(tmp, `${server.issuer.url}\n`);
renameSync(tmp, ISSUER_FILE);
console.log(`upstream: oauth2-mock-server issuer ${server.issuer.url} (subject ${SUBJECT})`);

const stop = async () => {
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
