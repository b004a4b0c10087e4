// The official TypeScript MCP SDK client (@modelcontextprotocol/sdk) signs in to the fastmcp-java example `keycloak`
// or `auth0`, a preset (KeycloakProvider, Auth0Provider) in front of the emulated provider of preset-upstream.mjs:
// discovery, dynamic registration, the proxy's consent page (approved by the headless browser below), the
// provider's authorization endpoint at its own path, the proxy's callback, the code exchange; then the tools, the
// typed session (the example's whoami shows what the emulated provider put in the tokens) and one refresh.
//
// Run by .ci/preset-interop.sh, which starts the emulator and the example, and sets:
//   PRESET_FLOW_KIND           keycloak or auth0
//   PRESET_FLOW_MCP_URL        the example's MCP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   PRESET_FLOW_UPSTREAM_BASE  what the example was given: the realm URL, or the Auth0 origin
//   PRESET_FLOW_CLIENT_ID      the example's client id at the provider
// Optional: PRESET_FLOW_REALM (Keycloak's realm, default fastmcp), PRESET_FLOW_AUDIENCE (Auth0: the API's
//           identifier the example was given), PRESET_FLOW_STEP_TIMEOUT_MS (default 20000),
//           PRESET_FLOW_TOTAL_TIMEOUT_MS (default 120000).
//
// Prints one PASS or FAIL line per check and a closing count; exits 1 on any failure. Tokens, codes, cookies and
// the consent form's values are never printed: they show as <secret:FINGERPRINT>. A guard on the global fetch
// refuses every non-loopback address.

import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  UnauthorizedError,
  auth,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { presetOf } from './presets.mjs';
import {
  attributes, bodyExcerpt, checker, decodeHtml, describe, envReader, fingerprint, finish, guardFetch, packageVersion,
  redact, rejection, secret, section, startWatchdog,
} from '../lib/harness.mjs';

// ------------------------------------------------------------------------------------------- configuration

const WHO = 'preset-interop';
const requireEnv = envReader(WHO);

const KIND = requireEnv('PRESET_FLOW_KIND');
const MCP_URL = new URL(requireEnv('PRESET_FLOW_MCP_URL'));
const UPSTREAM_BASE = requireEnv('PRESET_FLOW_UPSTREAM_BASE');
const CLIENT_ID = requireEnv('PRESET_FLOW_CLIENT_ID');
const P = presetOf(KIND, {
  origin: new URL(UPSTREAM_BASE).origin,
  clientId: CLIENT_ID,
  realm: process.env.PRESET_FLOW_REALM || 'fastmcp',
  audience: process.env.PRESET_FLOW_AUDIENCE || '',
});
const AUDIENCE = process.env.PRESET_FLOW_AUDIENCE || undefined;
const STEP_TIMEOUT_MS = Number(process.env.PRESET_FLOW_STEP_TIMEOUT_MS ?? 20000);
const TOTAL_TIMEOUT_MS = Number(process.env.PRESET_FLOW_TOTAL_TIMEOUT_MS ?? 120000);

// Never listened on: the browser stops at the redirect to it and hands the code to the app.
const REDIRECT_URL = 'http://127.0.0.1:33419/preset-interop/callback';
const UPSTREAM_AUTHORIZE = `${new URL(UPSTREAM_BASE).origin}${P.paths.authorize}`;

startWatchdog(TOTAL_TIMEOUT_MS, `${WHO} run (${P.name})`);

const trace = []; // "METHOD origin/path -> status", for failure reports (no query strings)
guardFetch(WHO, STEP_TIMEOUT_MS, (method, url) => {
  const line = `${method} ${url.origin}${url.pathname}`;
  return (response, error) => trace.push(`${line} -> ${response ? response.status : error.name}`);
});

const check = checker({
  stepTimeoutMs: STEP_TIMEOUT_MS,
  mark: () => trace.length,
  requestsSince: (start) => trace.slice(Math.max(start, trace.length - 25)),
});

function decodeJwtPayload(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const sameUrl = (a, b) => String(a).replace(/\/+$/, '') === String(b).replace(/\/+$/, '');

// -------------------------------------------------------------------------------------- headless browser

/**
 * A user agent that follows redirects by hand and keeps cookies (per host, as browsers do for loopback), until a
 * redirect to the app's redirect URI (returned, not fetched) or an HTML page. It records each hop, and the query
 * of the request to the provider's authorization endpoint, for the checks (never printed whole: it holds the
 * state, nonce and PKCE challenge).
 */
class Browser {
  constructor() {
    this.cookies = new Map(); // "<host> <cookie name>" -> value
  }

  cookieHeader(url) {
    return [...this.cookies].filter(([key]) => key.startsWith(`${url.hostname} `))
      .map(([key, value]) => `${key.slice(url.hostname.length + 1)}=${value}`).join('; ');
  }

  keepCookies(response, url) {
    for (const header of response.headers.getSetCookie?.() ?? []) {
      const pair = header.split(';')[0];
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = pair.slice(eq + 1).trim();
      secret(value);
      const key = `${url.hostname} ${pair.slice(0, eq).trim()}`;
      if (value === '' || /;\s*max-age=0\b/i.test(header)) this.cookies.delete(key);
      else this.cookies.set(key, value);
    }
  }

  async navigate(start, { method = 'GET', form, initiator } = {}) {
    let url = new URL(start);
    const chain = [];
    const hops = [];
    let upstreamQuery;
    for (let hop = 0; hop < 20; hop++) {
      chain.push(url);
      if (`${url.origin}${url.pathname}` === UPSTREAM_AUTHORIZE) upstreamQuery = url.searchParams;
      const headers = {
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'sec-fetch-site': fetchSite(initiator, chain),
        'user-agent': 'fastmcp-preset-interop-headless-browser',
      };
      const cookie = this.cookieHeader(url);
      if (cookie) headers.cookie = cookie;
      let body;
      if (method === 'POST') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers.origin = initiator;
        body = new URLSearchParams(form).toString();
      }
      const response = await globalThis.fetch(url, { method, headers, body, redirect: 'manual' });
      this.keepCookies(response, url);
      hops.push(`${method} ${url.origin}${url.pathname} -> ${response.status}`);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        if (next.href.startsWith(REDIRECT_URL)) {
          for (const name of ['code', 'state']) if (next.searchParams.get(name)) secret(next.searchParams.get(name));
          return { kind: 'redirect', url: next, hops, upstreamQuery };
        }
        method = 'GET';
        form = undefined;
        url = next;
        continue;
      }
      const type = response.headers.get('content-type') ?? '';
      if (response.status === 200 && /^text\/html/i.test(type)) {
        return { kind: 'page', url, html: await response.text(), hops, upstreamQuery };
      }
      throw new Error(`navigation stopped at ${method} ${url.origin}${url.pathname}: HTTP ${response.status} ${type} `
        + `${await bodyExcerpt(response)}\n  hops: ${hops.join(' | ')}`);
    }
    throw new Error(`more than 20 redirects; hops: ${hops.join(' | ')}`);
  }
}

/** Sec-Fetch-Site of a navigation: 'none' when the user started it, else its initiator against the whole chain. */
function fetchSite(initiator, chain) {
  if (initiator === undefined) return 'none';
  const from = new URL(initiator);
  if (chain.every((u) => u.origin === from.origin)) return 'same-origin';
  return chain.every((u) => u.hostname === from.hostname) ? 'same-site' : 'cross-site';
}

/** The consent form of a page (the one with a transaction_id): action, hidden fields, submit buttons. */
function consentForm(html) {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const fields = [...m[2].matchAll(/<input\b([^>]*)>/gi)].map((i) => attributes(i[1])).filter((a) => a.name);
    if (!fields.some((f) => f.name === 'transaction_id')) continue;
    const buttons = [...m[2].matchAll(/<button\b([^>]*)>/gi)].map((b) => attributes(b[1])).filter((a) => a.name);
    return { ...attributes(m[1]), fields, buttons };
  }
  return undefined;
}

// --------------------------------------------------------------------------------------- OAuth provider

/**
 * The SDK's OAuthClientProvider of a public client, registered dynamically. redirectToAuthorization plays the
 * user: the browser opens the URL, approves on the consent page and follows the provider back to the app.
 */
class HeadlessProvider {
  constructor() {
    this.browser = new Browser();
    this.flows = [];
  }
  get redirectUrl() { return REDIRECT_URL; }
  get clientMetadata() {
    return {
      client_name: `fastmcp preset interop (${P.name})`,
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() { return `st-${fingerprint(Math.random())}${fingerprint(Date.now())}`; }
  clientInformation() { return this._client; }
  saveClientInformation(info) {
    if (info.client_secret) secret(info.client_secret);
    this._client = info;
  }
  tokens() { return this._tokens; }
  saveTokens(tokens) {
    for (const name of ['access_token', 'refresh_token', 'id_token']) if (tokens[name]) secret(tokens[name]);
    this._tokens = tokens;
  }
  saveCodeVerifier(verifier) { secret(verifier); this._verifier = verifier; }
  codeVerifier() { return this._verifier; }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this._client = undefined;
    if (scope === 'all' || scope === 'tokens') this._tokens = undefined;
  }

  async redirectToAuthorization(url) {
    const flow = { state: url.searchParams.get('state'), hops: [] };
    this.flows.push(flow);
    try {
      const first = await this.browser.navigate(url);
      flow.hops.push(...first.hops);
      assert.equal(first.kind, 'page', `no consent page: redirected straight to ${first.url?.pathname}`);
      flow.consentHtml = first.html;
      const form = consentForm(first.html);
      assert.ok(form, `the page at ${first.url.pathname} has no consent form`);
      assert.equal((form.method ?? '').toLowerCase(), 'post', 'the consent form is not method="post"');
      const fields = form.fields.map((f) => [f.name, f.value ?? '']);
      for (const [, value] of fields) secret(value);
      assert.ok(form.buttons.some((b) => b.name === 'action' && b.value === 'approve'), 'no approve button');
      fields.push(['action', 'approve']);
      const done = await this.browser.navigate(new URL(form.action || first.url.href, first.url),
        { method: 'POST', form: fields, initiator: first.url.origin });
      flow.hops.push(...done.hops);
      flow.upstreamQuery = done.upstreamQuery;
      assert.equal(done.kind, 'redirect', `after approval: an HTML page at ${done.url?.pathname}: `
        + `${redact(decodeHtml(done.html ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 300))}`);
      flow.callback = done.url;
      flow.code = done.url.searchParams.get('code') ?? undefined;
      flow.error = done.url.searchParams.get('error') ?? undefined;
      flow.iss = done.url.searchParams.get('iss') ?? undefined;
    } catch (error) {
      flow.failure = error;
    }
  }

  lastFlow() { return this.flows[this.flows.length - 1]; }
}

const newClient = () => new Client({ name: `fastmcp-preset-interop-${KIND}`, version: '1.0.0' });
const newTransport = (provider) => new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider });

function text(result) {
  assert.ok(!result.isError, `the tool answered isError: ${redact(JSON.stringify(result.content))}`);
  assert.equal(result.content?.[0]?.type, 'text', `not text: ${redact(JSON.stringify(result.content))}`);
  return result.content[0].text;
}

/** Connects with the provider's tokens and runs fn(client). */
async function connected(provider, fn) {
  const client = newClient();
  try {
    await client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS });
    return await fn(client);
  } finally {
    await client.close().catch(() => {});
  }
}

const callTool = (client, name) => client.callTool({ name, arguments: {} }, undefined, { timeout: STEP_TIMEOUT_MS });

// ------------------------------------------------------------------------------------------------ checks

console.log(`${WHO}: @modelcontextprotocol/sdk ${packageVersion(import.meta.url, '@modelcontextprotocol/sdk')}, `
  + `oauth2-mock-server ${packageVersion(import.meta.url, 'oauth2-mock-server')}, Node ${process.version}`);
console.log(`${WHO}: the example '${KIND}' at ${MCP_URL.href}, ${P.name} emulated at ${UPSTREAM_BASE}`
  + `${AUDIENCE ? ` (API ${AUDIENCE})` : ''}`);

section(`(a) ${P.name}: discovery`);

let prmUrl;
await check('POST initialize without a token: 401 with a resource_metadata challenge', async () => {
  const response = await globalThis.fetch(MCP_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: WHO, version: '1.0.0' } },
    }),
  });
  await response.text();
  assert.equal(response.status, 401);
  prmUrl = extractWWWAuthenticateParams(response).resourceMetadataUrl;
  assert.ok(prmUrl instanceof URL, `no resource_metadata in: ${response.headers.get('www-authenticate')}`);
  return response.headers.get('www-authenticate');
});

let asMetadata;
await check('protected resource metadata and authorization server metadata: this server is the authorization server', async () => {
  const prm = await discoverOAuthProtectedResourceMetadata(MCP_URL, prmUrl ? { resourceMetadataUrl: prmUrl } : undefined);
  assert.equal(prm.resource, MCP_URL.href, 'resource');
  const asUrl = new URL(prm.authorization_servers?.[0] ?? 'http://missing');
  assert.equal(asUrl.origin, MCP_URL.origin, 'the authorization server is not on the MCP server\'s origin');
  asMetadata = await discoverAuthorizationServerMetadata(asUrl);
  assert.ok(asMetadata, `no metadata for ${asUrl.href}`);
  assert.ok(sameUrl(asMetadata.issuer, asUrl.href), `issuer ${asMetadata.issuer}`);
  for (const name of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint']) {
    assert.equal(new URL(asMetadata[name] ?? 'http://missing').origin, MCP_URL.origin, `${name}`);
  }
  assert.ok(asMetadata.code_challenge_methods_supported?.includes('S256'), 'S256');
  return `issuer=${asMetadata.issuer}`;
});

section(`(b) ${P.name}: the SDK's OAuth flow, the browser approving on the consent page`);

const provider = new HeadlessProvider();
let flow;
await check('connect() without tokens: registers, sends the browser to authorize, rejects with UnauthorizedError', async () => {
  const client = newClient();
  const error = await rejection(client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS }), 'connect');
  await client.close().catch(() => {});
  flow = provider.lastFlow();
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  assert.ok(provider.clientInformation()?.client_id, 'no client registered');
  assert.ok(flow, 'the SDK never called redirectToAuthorization');
  return `client_id=${secret(provider.clientInformation().client_id)}`;
});

await check(`the consent page names ${P.name} as where the user signs in next`, async () => {
  assert.ok(flow, 'no authorization flow');
  if (flow.failure && !flow.consentHtml) throw flow.failure;
  assert.ok(flow.consentHtml.includes(`sign in with <strong>${P.name}</strong>`),
    `the page does not say "sign in with ${P.name}"`);
});

await check(`the browser reaches ${P.name}'s authorization endpoint (${P.paths.authorize}) with the preset's request`, async () => {
  assert.ok(flow, 'no authorization flow');
  const q = flow.upstreamQuery;
  if (!q) throw flow.failure ?? new Error(`the browser never went to ${UPSTREAM_AUTHORIZE}; hops: ${flow.hops.join(' | ')}`);
  assert.equal(q.get('client_id'), CLIENT_ID, 'client_id');
  assert.equal(q.get('redirect_uri'), `${MCP_URL.origin}/oauth/callback`, 'redirect_uri');
  assert.equal(q.get('response_type'), 'code', 'response_type');
  assert.equal(q.get('code_challenge_method'), 'S256', 'PKCE toward the provider');
  assert.ok(q.get('nonce'), 'no nonce (the ID token is verified against it)');
  const scopes = (q.get('scope') ?? '').split(' ');
  for (const s of ['openid', 'profile', 'email']) assert.ok(scopes.includes(s), `scope lacks ${s}: ${q.get('scope')}`);
  if (KIND === 'auth0') {
    assert.ok(scopes.includes('offline_access'), 'Auth0: offline_access, for a refresh token');
    assert.equal(q.get('audience') ?? undefined, AUDIENCE, 'Auth0: audience');
  }
  return `scope="${q.get('scope')}"${q.has('audience') ? ` audience=${q.get('audience')}` : ''}`;
});

await check('approve -> provider -> the proxy\'s callback -> the app\'s redirect URI with code, state and iss', async () => {
  assert.ok(flow, 'no authorization flow');
  if (flow.failure) throw flow.failure;
  assert.equal(flow.error, undefined, `the redirect carries error=${flow.error}: ${redact(flow.callback?.search)}`);
  assert.ok(flow.code, 'no code');
  assert.equal(flow.callback.searchParams.get('state'), flow.state, 'state not echoed');
  assert.ok(flow.iss && sameUrl(flow.iss, asMetadata?.issuer ?? ''), `iss=${flow.iss}`);
  assert.ok(flow.hops.some((h) => h.startsWith(`GET ${MCP_URL.origin}/oauth/callback `)),
    `the provider did not send the browser to the proxy's callback; hops: ${flow.hops.join(' | ')}`);
  return flow.hops.join(' | ');
});

let tokens;
await check('finishAuth(code): tokens of this server (a JWT for the MCP resource, subject = the provider\'s user)', async () => {
  assert.ok(flow?.code, 'no authorization code');
  await newTransport(provider).finishAuth(flow.code);
  tokens = provider.tokens();
  assert.ok(tokens?.access_token && tokens.refresh_token, 'no access or refresh token');
  const claims = decodeJwtPayload(tokens.access_token);
  assert.ok(claims, 'the access token is not a JWT');
  assert.ok(sameUrl(claims.iss, asMetadata?.issuer ?? ''), `iss ${claims.iss}: not this server's token`);
  assert.ok([].concat(claims.aud ?? []).some((a) => sameUrl(a, MCP_URL.href)), `aud ${JSON.stringify(claims.aud)}`);
  assert.equal(claims.sub, P.subject, 'sub');
  return `access=${secret(tokens.access_token)} refresh=${secret(tokens.refresh_token)} sub=${claims.sub} `
    + `scope="${tokens.scope ?? ''}"`;
});

section(`(c) ${P.name}: tools and the typed session`);

await check(`listTools: ${P.tools.join(', ')}; whoami shows the ${P.name} session`, async () => {
  assert.ok(tokens, 'no tokens');
  return connected(provider, async (client) => {
    const { tools } = await client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
    assert.deepEqual(tools.map((t) => t.name).sort(), P.tools);
    const whoami = text(await callTool(client, 'whoami'));
    assert.equal(whoami, P.whoami);
    return whoami;
  });
});

if (P.roleTool) {
  await check(`${P.roleTool.name} (requireRole("admin"), a realm role of the access token) answers`, async () => {
    assert.ok(tokens, 'no tokens');
    return connected(provider, async (client) => {
      assert.equal(text(await callTool(client, P.roleTool.name)), P.roleTool.text);
    });
  });
}

section(`(d) ${P.name}: refresh`);

let refreshed;
await check('auth() with the refresh token: new tokens, the refresh token rotated, no new authorization', async () => {
  assert.ok(tokens?.refresh_token, 'no refresh token');
  const flows = provider.flows.length;
  assert.equal(await auth(provider, { serverUrl: MCP_URL, resourceMetadataUrl: prmUrl }), 'AUTHORIZED');
  assert.equal(provider.flows.length, flows, 'auth() started a new authorization instead of refreshing');
  refreshed = provider.tokens();
  assert.notEqual(refreshed.access_token, tokens.access_token, 'the access token did not change');
  assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, 'the refresh token was not rotated');
  assert.equal(decodeJwtPayload(refreshed.access_token)?.sub, P.subject, 'sub of the new access token');
  return `access -> ${secret(refreshed.access_token)}, refresh -> ${secret(refreshed.refresh_token)}`;
});

await check('the refreshed access token works: whoami shows the same session', async () => {
  assert.ok(refreshed, 'no refreshed tokens');
  return connected(provider, async (client) => {
    assert.equal(text(await callTool(client, 'whoami')), P.whoami);
  });
});

// The proxy refreshed the provider's tokens each time too (the emulated ones expire within its margin); the
// second time with the refresh token it kept: Keycloak's new one, or Auth0's first, which Auth0 does not rotate.
await check(`auth() once more: the proxy refreshes ${P.name}'s tokens with the refresh token it kept`, async () => {
  assert.ok(refreshed?.refresh_token, 'no refresh token');
  assert.equal(await auth(provider, { serverUrl: MCP_URL, resourceMetadataUrl: prmUrl }), 'AUTHORIZED');
  const again = provider.tokens();
  assert.ok(again.refresh_token && again.refresh_token !== refreshed.refresh_token, 'the refresh token was not rotated');
  return connected(provider, async (client) => {
    assert.equal(text(await callTool(client, 'whoami')), P.whoami);
    return `refresh -> ${secret(again.refresh_token)}`;
  });
});

finish(WHO);
