// Machine clients of the OAuth proxy: the client-credentials grant (the MCP extension
// io.modelcontextprotocol/oauth-client-credentials) with the TypeScript SDK's own providers of
// @modelcontextprotocol/sdk/client/auth-extensions.js. Imported and run by oauth-flow.mjs, with its harness.
//
// The server (the "oauth-interop" example) configures two machine clients from what .ci/oauth-interop.sh makes for
// the run: interop-report with a random secret (allowed no scope), and interop-deploy with the public half of a
// fresh P-256 key pair (allowed notes:write); this test holds the secret and the private key.
//
// What the SDK does, as read in its source and checked here: ClientCredentialsProvider sends the secret with HTTP
// Basic (client_secret_basic); PrivateKeyJwtProvider signs a new assertion for every token request, iss = sub = the
// client id, aud = the issuer of the authorization server metadata, 300 s of life, a fresh jti, no kid. Both send
// grant_type=client_credentials with the resource of the protected resource metadata, and a scope only when the
// provider was given one (never the one of a 403 step-up challenge). Neither registers, nor opens a browser.
//
// Each SDK client connects to the MCP URL without a token, gets the 401, discovers, gets a token and calls the
// tools; the refusals (wrong secret, replayed or foreign assertions, scopes beyond the allowed) are checked both
// through the SDK, where it can be made to send them, and with raw POSTs to the token endpoint.

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import {
  ClientCredentialsProvider,
  PrivateKeyJwtProvider,
  StaticPrivateKeyJwtProvider,
} from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InvalidClientError, InvalidScopeError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

/** The machine clients the server configures (OAuthInteropServer.machineClients). */
export const REPORT_CLIENT = 'interop-report';
export const DEPLOY_CLIENT = 'interop-deploy';
const WRITE_SCOPE = 'notes:write';
const EXTENSION = 'io.modelcontextprotocol/oauth-client-credentials';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MODERN_VERSION = '2026-07-28';

function urlOf(input) {
  return new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
}

function decodeJwt(token) {
  const parts = String(token).split('.');
  assert.equal(parts.length, 3, 'not a compact JWS');
  const part = (p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  return { header: part(parts[0]), claims: part(parts[1]) };
}

/** A compact JWS signed with an EC P-256 private key (ES256), as a client would sign its assertion. */
function signEs256(privateKey, claims, header = {}) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', typ: 'JWT', ...header })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** RFC 7523 client assertion claims: iss = sub = the client, the given aud, a fresh jti. */
function assertionClaims(clientId, audience, lifetimeSeconds = 120) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: clientId, sub: clientId, aud: audience, iat: now, exp: now + lifetimeSeconds, jti: randomUUID() };
}

/**
 * Runs section (i). `t` is the harness of oauth-flow.mjs: check, skip, section, secret, redact, describe, rejection,
 * trace, registrationPosts, newClient, callTool, text, jsonBody, sameUrl, MCP_URL, STEP_TIMEOUT_MS, TOOLS; and
 * machineSecret (interop-report's secret), machineKey (interop-deploy's private key, PKCS#8 PEM).
 */
export async function machineClientChecks(t) {
  const { check, secret, trace, MCP_URL, STEP_TIMEOUT_MS } = t;
  t.section('(i) machine clients: the client-credentials grant with the SDK\'s ClientCredentialsProvider and '
    + 'PrivateKeyJwtProvider (no browser, no registration)');

  secret(t.machineSecret);
  const traceStart = trace.length;
  const mcpLine = `${MCP_URL.origin}${MCP_URL.pathname}`;

  // ---- what every POST to the token endpoint carried, for the checks of how the SDK authenticates
  let tokenEndpoint;
  const tokenRequests = [];
  const guarded = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = urlOf(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (!tokenEndpoint || method !== 'POST' || `${url.origin}${url.pathname}` !== tokenEndpoint) {
      return guarded(input, init);
    }
    const headers = new Headers(init?.headers);
    const params = new URLSearchParams(init?.body instanceof URLSearchParams ? init.body : String(init?.body ?? ''));
    const authorization = headers.get('authorization');
    const entry = { params: Object.fromEntries(params), scheme: authorization?.split(' ')[0] ?? null };
    for (const name of ['client_secret', 'client_assertion']) if (entry.params[name]) secret(entry.params[name]);
    if (entry.scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      entry.basicUser = decoded.slice(0, colon);
      entry.basicPassword = decoded.slice(colon + 1);
      secret(entry.basicPassword);
    }
    tokenRequests.push(entry);
    const response = await guarded(input, init);
    entry.status = response.status;
    return response;
  };

  try {
    await runChecks();
  } finally {
    globalThis.fetch = guarded;
  }

  async function runChecks() {
    let metadata;
    let issuer;
    await check('authorization server metadata: the client_credentials grant, client_secret_basic, private_key_jwt with ES256', async () => {
      const prm = await discoverOAuthProtectedResourceMetadata(MCP_URL);
      metadata = await discoverAuthorizationServerMetadata(new URL(prm.authorization_servers[0]));
      assert.ok(metadata, 'no authorization server metadata');
      issuer = metadata.issuer;
      tokenEndpoint = `${new URL(metadata.token_endpoint).origin}${new URL(metadata.token_endpoint).pathname}`;
      assert.ok(metadata.grant_types_supported?.includes('client_credentials'),
        `grant_types_supported: ${JSON.stringify(metadata.grant_types_supported)}`);
      const methods = metadata.token_endpoint_auth_methods_supported ?? [];
      assert.ok(methods.includes('client_secret_basic') && methods.includes('private_key_jwt'),
        `token_endpoint_auth_methods_supported: ${JSON.stringify(methods)}`);
      assert.ok(metadata.token_endpoint_auth_signing_alg_values_supported?.includes('ES256'),
        `token_endpoint_auth_signing_alg_values_supported: ${JSON.stringify(metadata.token_endpoint_auth_signing_alg_values_supported)}`);
      return `grant_types_supported=${JSON.stringify(metadata.grant_types_supported)} `
        + `token_endpoint_auth_methods_supported=${JSON.stringify(methods)}`;
    });
    if (!metadata) {
      t.skip('the checks of the machine clients', 'no authorization server metadata');
      return;
    }

    /** The SDK's provider class, registering the tokens it is given as secrets (never printed). */
    const redacting = (Base) => class extends Base {
      saveTokens(tokens) {
        for (const name of ['access_token', 'refresh_token']) if (tokens[name]) secret(tokens[name]);
        super.saveTokens(tokens);
      }
    };
    const SecretProvider = redacting(ClientCredentialsProvider);
    const KeyProvider = redacting(PrivateKeyJwtProvider);
    const StaticKeyProvider = redacting(StaticPrivateKeyJwtProvider);
    const transport = (provider) => new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider });
    const connect = (client, provider) => client.connect(transport(provider), { timeout: STEP_TIMEOUT_MS });

    /** A raw POST to the token endpoint, with HTTP Basic credentials (form-urlencoded first, RFC 6749) or not. */
    const tokenPost = (params, basic) => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      if (basic) {
        const encoded = `${encodeURIComponent(basic[0])}:${encodeURIComponent(basic[1])}`;
        headers.authorization = `Basic ${Buffer.from(encoded).toString('base64')}`;
      }
      return globalThis.fetch(metadata.token_endpoint, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    };
    const assertionPost = (assertion, extra = {}) => {
      secret(assertion);
      return tokenPost({
        grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion,
        resource: MCP_URL.href, ...extra,
      });
    };
    /** Expects an OAuth error answer; returns its description. */
    const oauthError = async (response, status, error) => {
      const body = await t.jsonBody(response);
      assert.equal(response.status, status, `HTTP ${response.status}: ${t.redact(JSON.stringify(body))}`);
      assert.equal(body.error, error, `error: ${t.redact(JSON.stringify(body))}`);
      assert.match(response.headers.get('cache-control') ?? '', /no-store/i, 'Cache-Control: no-store');
      return body.error_description ?? '';
    };
    const deployKey = t.machineKey;

    // ---- the client with a secret: ClientCredentialsProvider ----------------------------------------------------

    const report = new SecretProvider({ clientId: REPORT_CLIENT, clientSecret: t.machineSecret, expectedIssuer: issuer });
    let reportClient;
    let reportTokens;
    await check('ClientCredentialsProvider (secret): connect() without a token gets the 401, discovers, and one '
      + 'client_credentials request with HTTP Basic gets a token; no registration, no authorization request', async () => {
      const from = trace.length;
      const before = tokenRequests.length;
      const client = t.newClient();
      await connect(client, report);
      reportClient = client;
      const lines = trace.slice(from);
      assert.equal(lines[0], `POST ${mcpLine} -> 401`, `first request: ${lines[0]}`);
      assert.ok(lines.some((l) => l.includes('/.well-known/oauth-protected-resource') && l.endsWith('-> 200')),
        `no protected resource metadata: ${lines.join(' | ')}`);
      assert.ok(lines.some((l) => l.includes('/.well-known/oauth-authorization-server') && l.endsWith('-> 200')),
        `no authorization server metadata: ${lines.join(' | ')}`);
      const sent = tokenRequests.slice(before);
      assert.equal(sent.length, 1, `token requests: ${sent.length}`);
      const [request] = sent;
      assert.equal(request.status, 200, `token endpoint: HTTP ${request.status}`);
      assert.equal(request.params.grant_type, 'client_credentials', 'grant_type');
      assert.equal(request.scheme, 'Basic', 'the secret is not sent with HTTP Basic (client_secret_basic)');
      assert.equal(request.basicUser, REPORT_CLIENT, 'the Basic user name');
      assert.ok(request.basicPassword === t.machineSecret, 'the Basic password is not the client\'s secret');
      assert.equal(request.params.client_secret, undefined, 'client_secret also in the body');
      assert.equal(request.params.resource, MCP_URL.href, 'resource (RFC 8707)');
      assert.equal(request.params.scope, undefined, 'a scope, though the provider was given none');
      assert.equal(t.registrationPosts(from), 0, 'POST to the registration endpoint');
      assert.ok(!lines.some((l) => l.includes('/oauth/authorize')), 'an authorization request');
      reportTokens = report.tokens();
      assert.ok(reportTokens?.access_token, 'no access token saved');
      const pathOnly = (l) => l.replace(MCP_URL.origin, '');
      return lines.map(pathOnly).join(' | ');
    });

    await check('its token: a JWT of the proxy for the machine client itself (sub = client_id = interop-report, aud = '
      + 'the MCP URL), no scope, no refresh token', async () => {
      assert.ok(reportTokens, 'no tokens');
      assert.match(reportTokens.token_type ?? '', /^bearer$/i, 'token_type');
      assert.equal(reportTokens.refresh_token, undefined, 'a refresh token (OAuth 2.1 §4.2.3: none for this grant)');
      const { claims } = decodeJwt(reportTokens.access_token);
      assert.equal(claims.sub, REPORT_CLIENT, 'sub');
      assert.equal(claims.client_id, REPORT_CLIENT, 'client_id');
      assert.ok(t.sameUrl(claims.iss, issuer), `iss ${claims.iss}`);
      assert.ok([].concat(claims.aud ?? []).some((a) => t.sameUrl(a, MCP_URL.href)), `aud ${JSON.stringify(claims.aud)}`);
      assert.ok(!claims.scope, `scope "${claims.scope}"`);
      return `sub=${claims.sub} client_id=${claims.client_id} aud=${JSON.stringify(claims.aud)} expires_in=${reportTokens.expires_in}`;
    });

    await check('interop-report lists the tools and calls them: whoami is the client id, echo', async () => {
      assert.ok(reportClient, 'not connected');
      const { tools } = await reportClient.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
      assert.deepEqual(tools.map((x) => x.name).sort(), t.TOOLS);
      assert.equal(t.text(await t.callTool(reportClient, 'whoami')), REPORT_CLIENT);
      assert.equal(t.text(await t.callTool(reportClient, 'echo', { text: 'from a machine' })), 'from a machine');
      return `whoami=${REPORT_CLIENT}`;
    });

    await check('write-note needs notes:write, which interop-report may not have: refused after the SDK\'s step-up '
      + 'attempt (403 insufficient_scope)', async () => {
      assert.ok(reportClient, 'not connected');
      const from = trace.length;
      const before = tokenRequests.length;
      const error = await t.rejection(t.callTool(reportClient, 'write-note', { text: 'not allowed' }), 'write-note');
      const lines = trace.slice(from);
      assert.ok(lines.includes(`POST ${mcpLine} -> 403`), `no 403 from the MCP endpoint: ${lines.join(' | ')}`);
      assert.ok(!lines.some((l) => l.startsWith(`POST ${mcpLine} -> 200`)), 'a call succeeded');
      const asked = tokenRequests.slice(before);
      // The SDK asks again with the provider's own scope (none): a token without notes:write, 403 again. An SDK
      // that asked for notes:write would get invalid_scope instead; either way nothing is written.
      const codes = /403|insufficient_scope|invalid_scope/;
      assert.ok(codes.test(error.message) || error instanceof InvalidScopeError, `unexpected error: ${t.describe(error)}`);
      return `${t.describe(error)}; token requests meanwhile: ${asked.map((r) => `${r.status} scope=${r.params.scope ?? '-'}`).join(', ') || 'none'}`;
    });

    await check('server/discover (MCP 2026-07-28) with the machine token lists io.modelcontextprotocol/oauth-client-credentials', async () => {
      const token = report.tokens()?.access_token;
      assert.ok(token, 'no token');
      const response = await globalThis.fetch(MCP_URL, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`, 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': 'server/discover',
        },
        body: JSON.stringify({
          jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
            'io.modelcontextprotocol/clientCapabilities': {},
            'io.modelcontextprotocol/clientInfo': { name: 'fastmcp-oauth-interop-machine', version: '1.0.0' },
          } },
        }),
      });
      const body = await t.jsonBody(response);
      assert.equal(response.status, 200, `HTTP ${response.status}: ${t.redact(JSON.stringify(body))}`);
      const extensions = body.result?.capabilities?.extensions ?? {};
      assert.ok(EXTENSION in extensions, `capabilities.extensions: ${JSON.stringify(extensions)}`);
      return `capabilities.extensions: ${Object.keys(extensions).join(', ')}`;
    });
    await reportClient?.close().catch(() => {});

    const wrongSecret = randomBytes(32).toString('hex');
    secret(wrongSecret);
    await check('ClientCredentialsProvider with a wrong secret: 401 invalid_client at the token endpoint, connect() '
      + 'rejects with InvalidClientError, no token', async () => {
      const wrong = new SecretProvider({ clientId: REPORT_CLIENT, clientSecret: wrongSecret, expectedIssuer: issuer });
      const before = tokenRequests.length;
      const client = t.newClient();
      const error = await t.rejection(connect(client, wrong), 'connect with a wrong secret');
      await client.close().catch(() => {});
      assert.ok(error instanceof InvalidClientError, `expected InvalidClientError, got ${t.describe(error)}`);
      const sent = tokenRequests.slice(before);
      assert.ok(sent.length >= 1 && sent.every((r) => r.status === 401 && r.scheme === 'Basic'),
        `token requests: ${sent.map((r) => `${r.scheme} -> ${r.status}`).join(', ')}`);
      assert.equal(wrong.tokens(), undefined, 'a token was saved');
      return `${t.describe(error)} after ${sent.length} token request(s), each 401`;
    });

    await check('a raw POST with a wrong secret (HTTP Basic): 401 invalid_client, WWW-Authenticate: Basic', async () => {
      const response = await tokenPost({ grant_type: 'client_credentials', resource: MCP_URL.href }, [REPORT_CLIENT, wrongSecret]);
      const description = await oauthError(response, 401, 'invalid_client');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic\b/i, 'WWW-Authenticate');
      return description;
    });

    await check('the same raw POST with the right secret: 200, a token for interop-report (the refusal was the secret\'s)', async () => {
      const response = await tokenPost({ grant_type: 'client_credentials', resource: MCP_URL.href }, [REPORT_CLIENT, t.machineSecret]);
      const body = await t.jsonBody(response);
      assert.equal(response.status, 200, `HTTP ${response.status}: ${t.redact(JSON.stringify(body))}`);
      secret(body.access_token);
      assert.equal(decodeJwt(body.access_token).claims.sub, REPORT_CLIENT, 'sub');
    });

    await check('interop-report asking for notes:write (raw POST): 400 invalid_scope', async () => {
      const response = await tokenPost({ grant_type: 'client_credentials', resource: MCP_URL.href, scope: WRITE_SCOPE },
        [REPORT_CLIENT, t.machineSecret]);
      const description = await oauthError(response, 400, 'invalid_scope');
      assert.ok(description.includes(WRITE_SCOPE), `the description does not name ${WRITE_SCOPE}: ${description}`);
      return description;
    });

    await check('ClientCredentialsProvider given the scope notes:write: connect() rejects with InvalidScopeError', async () => {
      const greedy = new SecretProvider({ clientId: REPORT_CLIENT, clientSecret: t.machineSecret, expectedIssuer: issuer, scope: WRITE_SCOPE });
      const before = tokenRequests.length;
      const client = t.newClient();
      const error = await t.rejection(connect(client, greedy), 'connect asking for notes:write');
      await client.close().catch(() => {});
      assert.ok(error instanceof InvalidScopeError, `expected InvalidScopeError, got ${t.describe(error)}`);
      const sent = tokenRequests.slice(before);
      assert.ok(sent.length >= 1 && sent.every((r) => r.status === 400 && r.params.scope === WRITE_SCOPE),
        `token requests: ${sent.map((r) => `scope=${r.params.scope} -> ${r.status}`).join(', ')}`);
      assert.equal(greedy.tokens(), undefined, 'a token was saved');
      return t.describe(error);
    });

    // ---- the client with a key pair: PrivateKeyJwtProvider -------------------------------------------------------

    const deploy = new KeyProvider({ clientId: DEPLOY_CLIENT, privateKey: deployKey, algorithm: 'ES256', expectedIssuer: issuer });
    let deployClient;
    let sdkAssertion;
    await check('PrivateKeyJwtProvider (ES256 key): connect() without a token gets the 401, discovers, and one '
      + 'client_credentials request with a client_assertion gets a token; no registration, no authorization request', async () => {
      const from = trace.length;
      const before = tokenRequests.length;
      const client = t.newClient();
      await connect(client, deploy);
      deployClient = client;
      const lines = trace.slice(from);
      assert.equal(lines[0], `POST ${mcpLine} -> 401`, `first request: ${lines[0]}`);
      const sent = tokenRequests.slice(before);
      assert.equal(sent.length, 1, `token requests: ${sent.length}`);
      const [request] = sent;
      assert.equal(request.status, 200, `token endpoint: HTTP ${request.status}`);
      assert.equal(request.params.grant_type, 'client_credentials', 'grant_type');
      assert.equal(request.scheme, null, 'an Authorization header');
      assert.equal(request.params.client_assertion_type, ASSERTION_TYPE, 'client_assertion_type');
      assert.ok(request.params.client_assertion, 'no client_assertion');
      assert.equal(request.params.client_secret, undefined, 'a client_secret');
      assert.equal(request.params.resource, MCP_URL.href, 'resource (RFC 8707)');
      assert.equal(t.registrationPosts(from), 0, 'POST to the registration endpoint');
      assert.ok(!lines.some((l) => l.includes('/oauth/authorize')), 'an authorization request');
      sdkAssertion = request.params.client_assertion;
      return lines.map((l) => l.replace(MCP_URL.origin, '')).join(' | ');
    });

    await check('the SDK\'s assertion (RFC 7523): ES256, iss = sub = interop-deploy, aud = the issuer, exp <= 10 min, a jti', async () => {
      assert.ok(sdkAssertion, 'no assertion');
      const { header, claims } = decodeJwt(sdkAssertion);
      assert.equal(header.alg, 'ES256', 'alg');
      assert.equal(claims.iss, DEPLOY_CLIENT, 'iss');
      assert.equal(claims.sub, DEPLOY_CLIENT, 'sub');
      assert.ok(t.sameUrl(claims.aud, issuer) || claims.aud === metadata.token_endpoint, `aud ${JSON.stringify(claims.aud)}`);
      const now = Math.floor(Date.now() / 1000);
      assert.ok(claims.exp > now - 60 && claims.exp <= now + 600, `exp is ${claims.exp - now}s ahead`);
      assert.ok(typeof claims.jti === 'string' && claims.jti.length > 0, 'no jti');
      return `header=${JSON.stringify(header)} aud=${claims.aud} lifetime=${claims.exp - claims.iat}s jti=${claims.jti}`;
    });

    await check('its token: sub = client_id = interop-deploy, scope notes:write (all it may have), no refresh token', async () => {
      const tokens = deploy.tokens();
      assert.ok(tokens?.access_token, 'no tokens');
      assert.equal(tokens.refresh_token, undefined, 'a refresh token');
      const { claims } = decodeJwt(tokens.access_token);
      assert.equal(claims.sub, DEPLOY_CLIENT, 'sub');
      assert.equal(claims.client_id, DEPLOY_CLIENT, 'client_id');
      assert.equal(claims.scope, WRITE_SCOPE, 'scope');
      return `sub=${claims.sub} scope=${claims.scope}`;
    });

    await check('interop-deploy lists the tools and calls them: whoami is the client id, write-note is allowed', async () => {
      assert.ok(deployClient, 'not connected');
      const { tools } = await deployClient.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
      assert.deepEqual(tools.map((x) => x.name).sort(), t.TOOLS);
      assert.equal(t.text(await t.callTool(deployClient, 'whoami')), DEPLOY_CLIENT);
      assert.equal(t.text(await t.callTool(deployClient, 'write-note', { text: 'deployed' })), `saved for ${DEPLOY_CLIENT}`);
    });
    await deployClient?.close().catch(() => {});

    await check('a second PrivateKeyJwtProvider signs a new assertion (another jti), accepted: connect and whoami', async () => {
      const again = new KeyProvider({ clientId: DEPLOY_CLIENT, privateKey: deployKey, algorithm: 'ES256', expectedIssuer: issuer });
      const before = tokenRequests.length;
      const client = t.newClient();
      try {
        await connect(client, again);
        assert.equal(t.text(await t.callTool(client, 'whoami')), DEPLOY_CLIENT);
      } finally {
        await client.close().catch(() => {});
      }
      const [request] = tokenRequests.slice(before);
      assert.equal(request?.status, 200, 'token request');
      assert.ok(sdkAssertion, 'no first assertion to compare with');
      const first = decodeJwt(sdkAssertion).claims.jti;
      const second = decodeJwt(request.params.client_assertion).claims.jti;
      assert.notEqual(second, first, 'the same jti twice');
      return `jti ${first} then ${second}`;
    });

    await check('the SDK\'s assertion replayed (raw POST): 401 invalid_client, already used', async () => {
      assert.ok(sdkAssertion, 'no assertion');
      const description = await oauthError(await assertionPost(sdkAssertion), 401, 'invalid_client');
      assert.match(description, /already used/, description);
      return description;
    });

    await check('an assertion the test signs (aud = the token endpoint URL), POSTed twice: 200, then 401 invalid_client, already used', async () => {
      const assertion = signEs256(deployKey, assertionClaims(DEPLOY_CLIENT, metadata.token_endpoint));
      const first = await assertionPost(assertion);
      const body = await t.jsonBody(first);
      assert.equal(first.status, 200, `first use: HTTP ${first.status}: ${t.redact(JSON.stringify(body))}`);
      secret(body.access_token);
      assert.equal(decodeJwt(body.access_token).claims.sub, DEPLOY_CLIENT, 'sub');
      const description = await oauthError(await assertionPost(assertion), 401, 'invalid_client');
      assert.match(description, /already used/, description);
      return description;
    });

    await check('StaticPrivateKeyJwtProvider given an assertion already used: connect() rejects with InvalidClientError', async () => {
      assert.ok(sdkAssertion, 'no assertion');
      const stale = new StaticKeyProvider({ clientId: DEPLOY_CLIENT, jwtBearerAssertion: sdkAssertion, expectedIssuer: issuer });
      const client = t.newClient();
      const error = await t.rejection(connect(client, stale), 'connect with a used assertion');
      await client.close().catch(() => {});
      assert.ok(error instanceof InvalidClientError, `expected InvalidClientError, got ${t.describe(error)}`);
      assert.match(error.message, /already used/, t.describe(error));
      assert.equal(stale.tokens(), undefined, 'a token was saved');
      return t.describe(error);
    });

    await check('assertions with aud = the issuer with a trailing slash: 200; aud = the MCP URL: 401 invalid_client', async () => {
      const slash = await assertionPost(signEs256(deployKey, assertionClaims(DEPLOY_CLIENT, `${issuer.replace(/\/+$/, '')}/`)));
      const body = await t.jsonBody(slash);
      assert.equal(slash.status, 200, `aud = issuer/: HTTP ${slash.status}: ${t.redact(JSON.stringify(body))}`);
      secret(body.access_token);
      const description = await oauthError(await assertionPost(signEs256(deployKey, assertionClaims(DEPLOY_CLIENT, MCP_URL.href))),
        401, 'invalid_client');
      assert.match(description, /aud/, description);
      return description;
    });

    await check('an assertion with exp an hour ahead: 401 invalid_client', async () => {
      const description = await oauthError(await assertionPost(signEs256(deployKey,
        assertionClaims(DEPLOY_CLIENT, issuer, 3600))), 401, 'invalid_client');
      assert.match(description, /exp/, description);
      return description;
    });

    await check('an assertion signed with another key: 401 invalid_client', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const description = await oauthError(await assertionPost(signEs256(privateKey, assertionClaims(DEPLOY_CLIENT, issuer))),
        401, 'invalid_client');
      assert.match(description, /signature/, description);
      return description;
    });

    await check('interop-deploy asking for a scope beyond notes:write (raw POST): 400 invalid_scope naming it', async () => {
      const response = await assertionPost(signEs256(deployKey, assertionClaims(DEPLOY_CLIENT, issuer)),
        { scope: `${WRITE_SCOPE} notes:admin` });
      const description = await oauthError(response, 400, 'invalid_scope');
      assert.ok(description.includes('notes:admin'), description);
      return description;
    });

    await check('no POST to the registration endpoint and no authorization request in (i); the same count saw (b)\'s', async () => {
      const during = t.registrationPosts(traceStart);
      const before = t.registrationPosts() - during;
      assert.ok(before >= 1, 'the count saw no registration in (b) either: it cannot tell');
      assert.equal(during, 0, 'registrations by machine clients');
      const authorize = trace.slice(traceStart).filter((l) => l.includes('/oauth/authorize'));
      assert.deepEqual(authorize, [], 'authorization requests');
      return `${before} registration(s) before, ${during} during; ${tokenRequests.length} token requests in (i)`;
    });
  }
}
