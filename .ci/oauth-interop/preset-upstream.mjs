// An emulated Keycloak realm or Auth0 tenant on 127.0.0.1, for .ci/preset-interop.sh: oauth2-mock-server (pinned
// in package.json) signs the tokens and checks PKCE, served at the provider's own paths, with its issuer, its
// clients' authentication and its tokens' claims as presets.mjs describes them. A port is chosen by the OS.
//
// Environment:
//   PRESET_UPSTREAM_KIND           keycloak or auth0 (required)
//   PRESET_UPSTREAM_BASE_FILE      where to write, once listening, the URL the example is given: the realm URL
//                                  (KEYCLOAK_REALM_URL) or the origin (AUTH0_DOMAIN) (required)
//   PRESET_UPSTREAM_CLIENT_ID      the only application registered (required)
//   PRESET_UPSTREAM_CLIENT_SECRET  its secret (required)
//   PRESET_UPSTREAM_REDIRECT_URI   its only allowed redirect URI, the server's /oauth/callback (required)
// Optional: PRESET_UPSTREAM_REALM (Keycloak's realm, default fastmcp), PRESET_UPSTREAM_AUDIENCE (Auth0: the
// identifier of the one API registered), PRESET_UPSTREAM_ACCESS_TTL (seconds; default the provider's own: 300 for
// Keycloak, 86400 for Auth0).
//
// Stricter than the mock alone, like the real providers: the authorization endpoint answers an unknown client_id or
// redirect_uri with an error page (never a redirect), and Auth0 an unknown audience with access_denied; the token
// endpoint wants the application's id and secret by one of the provider's methods, a code issued here once, with
// the redirect_uri of its authorization and its PKCE verifier, and a refresh token issued here (used once where the
// provider rotates them); userinfo wants an access token issued here. Users are signed in without a login page, as
// with a live session at the provider.
//
// One line per request goes to stdout (method, path, status, grant type, client authentication method, verdict);
// never a token, code, secret or the value of state, nonce or a PKCE parameter.

import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';
import { presetOf } from './presets.mjs';

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`preset-upstream: set ${name}`);
    process.exit(2);
  }
  return value;
}

const KIND = requireEnv('PRESET_UPSTREAM_KIND');
const BASE_FILE = requireEnv('PRESET_UPSTREAM_BASE_FILE');
const CLIENT_ID = requireEnv('PRESET_UPSTREAM_CLIENT_ID');
const CLIENT_SECRET = requireEnv('PRESET_UPSTREAM_CLIENT_SECRET');
const REDIRECT_URI = requireEnv('PRESET_UPSTREAM_REDIRECT_URI');
const REALM = process.env.PRESET_UPSTREAM_REALM || 'fastmcp';
const AUDIENCE = process.env.PRESET_UPSTREAM_AUDIENCE || '';

// Listening first: the layout and the issuer include the port.
const server = createServer((req, res) => handle(req, res));
await new Promise((resolve, reject) => server.listen(0, '127.0.0.1').once('listening', resolve).once('error', reject));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
const P = presetOf(KIND, { origin: ORIGIN, clientId: CLIENT_ID, realm: REALM, audience: AUDIENCE });
const ACCESS_TTL = Number(process.env.PRESET_UPSTREAM_ACCESS_TTL || P.accessTokenTtl);

const issuer = new OAuth2Issuer();
issuer.url = P.issuer;
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer, {
  wellKnownDocument: P.paths.discovery,
  authorize: P.paths.authorize,
  token: P.paths.token,
  jwks: P.paths.jwks,
  userinfo: P.paths.userinfo,
  revoke: P.paths.revoke,
});
const ENDPOINTS = new Set(Object.values(P.paths));

const codeGrants = new Map(); // authorization code -> grant { scope, audience, redirectUri, challenge }
const refreshGrants = new Map(); // refresh token -> grant
const accessGrants = new Map(); // access token -> grant

// -------------------------------------------------------------------------------------------------- requests

function handle(req, res) {
  const url = new URL(req.url, ORIGIN);
  res.on('finish', () => console.log(`preset-upstream: ${req.method} ${url.pathname} -> ${res.statusCode}`));
  if (req.method === 'GET' && url.pathname === P.paths.discovery) {
    send(res, 200, 'application/json', JSON.stringify(discovery()));
    return;
  }
  if (!ENDPOINTS.has(url.pathname)) {
    send(res, 404, 'application/json', JSON.stringify({ error: 'not_found', error_description: `not an endpoint of ${P.name}` }));
    return;
  }
  if (req.method === 'GET' && url.pathname === P.paths.authorize && !authorizationAccepted(url.searchParams, res)) return;
  service.requestHandler(req, res);
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function discovery() {
  const at = (path) => `${ORIGIN}${path}`;
  return {
    issuer: P.issuer,
    authorization_endpoint: at(P.paths.authorize),
    token_endpoint: at(P.paths.token),
    jwks_uri: at(P.paths.jwks),
    userinfo_endpoint: at(P.paths.userinfo),
    revocation_endpoint: at(P.paths.revoke),
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: P.clientAuthMethods.map((m) => `client_secret_${m}`),
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  };
}

/**
 * The checks of the provider's authorization endpoint before the mock issues a code: an error page for an unknown
 * client or redirect URI (nothing may be sent to an unchecked address), an error redirect for an unknown audience.
 */
function authorizationAccepted(q, res) {
  const page = (text) => {
    console.log(`preset-upstream: authorize refused: ${text}`);
    send(res, 400, 'text/html', `<!doctype html><title>${P.name}</title><p>${text}</p>`);
    return false;
  };
  if (q.get('client_id') !== CLIENT_ID) return page(P.unknownClient);
  if (q.get('redirect_uri') !== REDIRECT_URI) return page(P.invalidRedirect);
  const refused = q.get('response_type') !== 'code' ? 'unsupported_response_type'
    : q.has('code_challenge') && q.get('code_challenge_method') !== 'S256' ? 'invalid_request' : undefined;
  const audienceError = P.audienceError(q.get('audience') ?? undefined);
  if (refused || audienceError) {
    const back = new URL(REDIRECT_URI);
    back.searchParams.set('error', refused ?? 'access_denied');
    if (audienceError) back.searchParams.set('error_description', audienceError);
    if (q.has('state')) back.searchParams.set('state', q.get('state'));
    console.log(`preset-upstream: authorize refused: ${refused ?? audienceError}`);
    send(res, 302, 'text/plain', '', { location: back.href });
    return false;
  }
  return true;
}

service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const q = new URL(req.url, ORIGIN).searchParams;
  const code = redirect.url.searchParams.get('code');
  const requested = q.get('scope') ?? '';
  const audience = q.get('audience') ?? undefined;
  if (code) {
    codeGrants.set(code, {
      scope: P.grantedScope(requested, audience), audience, redirectUri: q.get('redirect_uri'),
      challenge: q.has('code_challenge'),
    });
  }
  const has = (name) => (q.has(name) ? 'yes' : 'no');
  console.log(`preset-upstream: authorize client_id=ok redirect_uri=ok scope="${requested}"`
    + ` audience=${audience ?? '-'} state=${has('state')} nonce=${has('nonce')}`
    + ` code_challenge_method=${q.get('code_challenge_method') ?? 'none'} user=${P.subject}`);
});

// ------------------------------------------------------------------------------------------------ tokens

/** How a token request authenticated its client: 'basic', 'post', 'none', or 'bad' (wrong id or secret). */
function clientAuth(req) {
  const header = req.headers.authorization ?? '';
  const body = req.body ?? {};
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // RFC 6749 section 2.3.1: id and secret are form-urlencoded before the Basic encoding.
    const unform = (s) => decodeURIComponent(s.replaceAll('+', ' '));
    try {
      return colon > 0 && unform(decoded.slice(0, colon)) === CLIENT_ID && unform(decoded.slice(colon + 1)) === CLIENT_SECRET
        && body.client_secret === undefined ? 'basic' : 'bad';
    } catch {
      return 'bad';
    }
  }
  if (body.client_secret !== undefined) {
    return body.client_id === CLIENT_ID && body.client_secret === CLIENT_SECRET ? 'post' : 'bad';
  }
  return 'none';
}

/** The grant a token request draws on (its code's or its refresh token's), undefined when unknown. */
function grantOf(req) {
  const body = req.body ?? {};
  if (body.grant_type === 'authorization_code') return codeGrants.get(body.code);
  if (body.grant_type === 'refresh_token') return refreshGrants.get(body.refresh_token);
  return undefined;
}

// The mock signs the access token (its payload has a scope) and then the ID token (an aud, the client id, and the
// nonce of the authorization); the provider's claims replace the mock's own.
service.on('beforeTokenSigning', (token, req) => {
  const grant = grantOf(req) ?? { scope: '' };
  const p = token.payload;
  delete p.amr;
  if ('scope' in p) {
    Object.assign(p, P.accessClaims(grant) ?? {}, { sub: P.subject, exp: p.iat + ACCESS_TTL });
    if (p.scope === undefined) delete p.scope;
  } else {
    Object.assign(p, P.idClaims(grant), { sub: P.subject, auth_time: p.iat });
  }
});

// Every token request that reached the point of answering: where the provider's rules refuse it.
service.on('beforeResponse', (response, req) => {
  const body = req.body ?? {};
  const grantType = body.grant_type;
  const auth = clientAuth(req);
  const grant = grantOf(req);
  if (grantType === 'authorization_code') codeGrants.delete(body.code);
  const refuse = (status, error, description) => {
    response.statusCode = status;
    response.body = { error, error_description: description };
    return error;
  };
  let verdict = 'ok';
  if (!P.clientAuthMethods.includes(auth)) {
    verdict = refuse(401, 'invalid_client', auth === 'basic' || auth === 'post'
      ? `client_secret_${auth} is not the application's authentication method` : 'client authentication failed');
  } else if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    verdict = refuse(400, 'unsupported_grant_type', `grant_type ${grantType}`);
  } else if (grant === undefined) {
    verdict = refuse(400, 'invalid_grant', grantType === 'authorization_code' ? 'unknown or used code' : 'unknown or used refresh token');
  } else if (grantType === 'authorization_code' && body.redirect_uri !== grant.redirectUri) {
    verdict = refuse(400, 'invalid_grant', 'redirect_uri is not the one of the authorization request');
  } else if (grantType === 'authorization_code' && grant.challenge && !body.code_verifier) {
    verdict = refuse(400, 'invalid_grant', 'code_verifier missing');
  } else {
    const out = response.body;
    out.scope = grant.scope;
    out.expires_in = ACCESS_TTL;
    if (P.accessClaims(grant) === undefined) out.access_token = randomBytes(24).toString('base64url');
    accessGrants.set(out.access_token, grant);
    const scopes = grant.scope.split(' ');
    if (!scopes.includes('openid')) delete out.id_token;
    if (grantType === 'refresh_token' && P.rotatesRefreshTokens) refreshGrants.delete(body.refresh_token);
    if ((grantType === 'refresh_token' && !P.rotatesRefreshTokens)
        || (P.refreshNeedsOfflineAccess && !scopes.includes('offline_access'))) {
      delete out.refresh_token;
    } else {
      refreshGrants.set(out.refresh_token, grant);
    }
  }
  console.log(`preset-upstream: token grant_type=${grantType} client_auth=${auth} -> ${response.statusCode} ${verdict}`
    + (verdict === 'ok' ? ` scope="${grant.scope}" refresh_token=${response.body.refresh_token ? 'new' : 'none'}`
      + ` id_token=${response.body.id_token ? 'yes' : 'no'}` : ''));
});

service.on('beforeUserinfo', (response, req) => {
  const token = (req.headers.authorization ?? '').replace(/^bearer\s+/i, '');
  if (!accessGrants.has(token)) {
    response.statusCode = 401;
    response.body = { error: 'invalid_token', error_description: 'unknown access token' };
    return;
  }
  response.body = P.userinfo(accessGrants.get(token));
});

service.on('beforeRevoke', () => {
  console.log('preset-upstream: revoke');
});

// ------------------------------------------------------------------------------------------------- start

const tmp = `${BASE_FILE}.tmp`;
writeFileSync(tmp, `${P.baseUrl}\n`);
renameSync(tmp, BASE_FILE);
console.log(`preset-upstream: ${P.name} emulated at ${P.baseUrl} (issuer ${P.issuer}, token endpoint ${P.paths.token},`
  + ` client authentication ${P.clientAuthMethods.join(' or ')}, access tokens for ${ACCESS_TTL} s)`);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
