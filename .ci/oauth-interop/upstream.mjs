// The upstream identity provider of the OAuth proxy interop test: oauth2-mock-server (pinned in package.json),
// started programmatically on 127.0.0.1 with a port chosen by the OS. Run by .ci/oauth-interop.sh.
//
// Environment:
//   UPSTREAM_ISSUER_FILE    where to write the issuer URL once listening (required; the script waits for it)
//   UPSTREAM_CLIENT_ID      the only client accepted at /token (required)
//   UPSTREAM_CLIENT_SECRET  its secret, by HTTP Basic or in the body (required)
//   UPSTREAM_SUBJECT        the `sub` of the default user (default oauth-interop-user)
//
// oauth2-mock-server auto-approves at /authorize and accepts any client and any refresh token. This wrapper
// makes /token stricter, so the test notices a proxy that gets them wrong: the client must authenticate with
// the configured id and secret, and a refresh token must be one this process issued (each used once).
//
// Who signs in: the default user, unless the browser at /authorize sends the cookie `upstream_user=NAME`
// (NAME: 1 to 64 of A-Z a-z 0-9 . _ -), as if that user were signed in at this provider in that browser. The
// code issued there, and every token and refresh token that descends from it, carry `sub` NAME. A test signs
// in a second user by sending that cookie from a second browser; nothing else changes. Those tokens also
// carry the scope asked for at /authorize (the mock alone would grant "dummy").
//
// One line per request goes to stdout (method, path, grant type, client authentication, the user of an
// authorization; never a token or code).

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

const USER_COOKIE = /(?:^|;\s*)upstream_user=([A-Za-z0-9._-]{1,64})(?:;|$)/;

/** The user signed in at /authorize: the upstream_user cookie's, else the default one. */
function userOf(req) {
  return USER_COOKIE.exec(req.headers.cookie ?? '')?.[1] ?? SUBJECT;
}

/**
 * What a /token request grants: the user and the scope asked for at /authorize, kept for its code and then for
 * each refresh token; the default user and no scope for anything else.
 */
function grantOf(req) {
  const body = req.body ?? {};
  const grant = body.grant_type === 'authorization_code' ? codeGrants.get(body.code)
    : body.grant_type === 'refresh_token' ? issuedRefreshTokens.get(body.refresh_token) : undefined;
  return grant ?? { user: SUBJECT, scope: undefined };
}

/** The user of a bearer token this process signed (its payload, read without verifying: only we issue them). */
function bearerUser(req) {
  const payload = (req.headers.authorization ?? '').replace(/^bearer\s+/i, '').split('.')[1];
  try {
    const sub = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')).sub;
    return typeof sub === 'string' ? sub : SUBJECT;
  } catch {
    return SUBJECT;
  }
}

function claims(user) {
  return user === SUBJECT
    ? { sub: user, name: 'OAuth Interop User', email: 'oauth-interop-user@example.com' }
    : { sub: user, name: `User ${user}`, email: `${user}@example.com` };
}

const codeGrants = new Map(); // authorization code -> { user, scope }
const issuedRefreshTokens = new Map(); // refresh token -> { user, scope }

server.service.on('beforeTokenSigning', (token, req) => {
  const { user, scope } = grantOf(req);
  Object.assign(token.payload, claims(user));
  // oauth2-mock-server grants scope "dummy" when the exchange names none; a real provider grants what was
  // asked at /authorize, and the proxy limits its tokens to what the upstream granted.
  if (token.payload.scope !== undefined && scope !== undefined) token.payload.scope = scope;
});

server.service.on('beforeUserinfo', (response, req) => {
  response.body = claims(bearerUser(req));
});

// Runs for every /token request that reached the point of answering: the place to refuse.
server.service.on('beforeResponse', (response, req) => {
  const grant = req.body?.grant_type;
  const auth = clientAuth(req);
  const granted = grantOf(req);
  if (grant === 'authorization_code') codeGrants.delete(req.body.code);
  if (response.statusCode === 200 && granted.scope !== undefined) response.body.scope = granted.scope;
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
    issuedRefreshTokens.set(response.body.refresh_token, granted);
  }
  console.log(`upstream: token grant_type=${grant} client_auth=${auth} -> ${response.statusCode} ${verdict}`);
});

// Logged without the values of code, state, nonce or the challenge.
server.service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const q = new URL(req.url, 'http://upstream').searchParams;
  const target = redirect.url;
  const user = userOf(req);
  const code = target.searchParams.get('code');
  if (code) codeGrants.set(code, { user, scope: q.get('scope') ?? undefined });
  const has = (name) => (q.has(name) ? 'yes' : 'no');
  console.log(`upstream: authorize client_id=${q.get('client_id') === CLIENT_ID ? 'ok' : 'unexpected'}`
    + ` redirect_uri=${target.origin}${target.pathname} scope="${q.get('scope') ?? ''}"`
    + ` state=${has('state')} nonce=${has('nonce')} code_challenge_method=${q.get('code_challenge_method') ?? 'none'}`
    + ` resource=${has('resource')} user=${user}`);
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
console.log(`upstream: oauth2-mock-server issuer ${server.issuer.url} (default user ${SUBJECT})`);

const stop = async () => {
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
