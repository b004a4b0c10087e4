// OAuth proxy interop test: the official TypeScript MCP SDK client (@modelcontextprotocol/sdk) runs the whole
// OAuth flow against the fastmcp-java "oauth-interop" example, an OAuthProxy in front of oauth2-mock-server.
// A headless browser in this file plays the user: it follows redirects by hand, keeps cookies, and approves
// (or denies) on the proxy's consent page by submitting its form.
//
// Run by .ci/oauth-interop.sh, which starts the upstream provider (upstream.mjs) and the server, and sets:
//   OAUTH_INTEROP_MCP_URL          the MCP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   OAUTH_INTEROP_UPSTREAM_ISSUER  the upstream provider's issuer, e.g. http://127.0.0.1:PORT
//   OAUTH_INTEROP_CIMD_PORT        where this test serves client metadata documents over https (documents.mjs);
//                                  the server accepts documents under https://localhost:PORT/clients/ only
//                                  (FASTMCP_CIMD_ALLOWED) and trusts the test CA
//   OAUTH_INTEROP_CIMD_TLS_KEY, OAUTH_INTEROP_CIMD_TLS_CERT  that server's key and certificate (PEM), for
//                                  localhost and 127.0.0.1
//   OAUTH_INTEROP_CIMD_CA          the test CA's certificate (PEM), for this test's own checks of the documents
//   OAUTH_INTEROP_MACHINE_SECRET   the secret of the server's machine client interop-report
//   OAUTH_INTEROP_MACHINE_KEY      the private key (PKCS#8 PEM, EC P-256) of its machine client interop-deploy,
//                                  whose public JWK set the server was given
// Optional: OAUTH_INTEROP_UPSTREAM_SUBJECT (the upstream user's `sub`, default oauth-interop-user),
//           OAUTH_INTEROP_STEP_TIMEOUT_MS (default 20000), OAUTH_INTEROP_TOTAL_TIMEOUT_MS (default 240000).
//
// Flow: discovery -> connect without a token (UnauthorizedError; the browser goes through consent, the
// upstream and the callback) -> finishAuth(code) -> connect -> listTools -> callTool -> refresh (explicit, and
// automatic on a 401) -> revoke -> the revoked tokens are refused -> the SDK re-authorizes; then denial,
// a forged CSRF token and a replayed code. Then a client identified by a Client ID Metadata Document (CIMD):
// the SDK, given a clientMetadataUrl, signs in with that URL as its client_id and registers nothing; the server
// fetches the document from this test's https server; consent (showing the document's domain), the upstream,
// tokens, tools and a refresh. Last, clients the server must refuse with an error page, never a redirect: a
// document outside the operator's allow-list (not even fetched) and one whose client_id is not its own URL.
// Then machine clients (machine-clients.mjs): the SDK's ClientCredentialsProvider (a secret, HTTP Basic) and
// PrivateKeyJwtProvider (an RFC 7523 assertion signed with an ES256 key) get tokens with the client-credentials
// grant, without browser or registration, and call the tools; a wrong secret, replayed or foreign assertions and
// scopes beyond the allowed are refused.
//
// Prints one PASS or FAIL line per check and a closing summary; exits 1 on any failure. Tokens, codes, cookies
// and CSRF tokens are never printed: they show as <secret:FINGERPRINT>. A guard on the global fetch refuses
// every non-loopback address.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  UnauthorizedError,
  auth,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { SELF_CHECK_HEADER, startDocumentServer } from './documents.mjs';
import { machineClientChecks } from './machine-clients.mjs';
import {
  attributes, bodyExcerpt, checker, decodeHtml, describe, envReader, fingerprint, finish, guardFetch, jsonBody,
  packageVersion, redact, rejection, results, secret, section, startWatchdog,
} from '../lib/harness.mjs';

// ------------------------------------------------------------------------------------------- configuration

const requireEnv = envReader('oauth-interop');

const MCP_URL = new URL(requireEnv('OAUTH_INTEROP_MCP_URL'));
const UPSTREAM = new URL(requireEnv('OAUTH_INTEROP_UPSTREAM_ISSUER'));
const UPSTREAM_SUBJECT = process.env.OAUTH_INTEROP_UPSTREAM_SUBJECT || 'oauth-interop-user';
const STEP_TIMEOUT_MS = Number(process.env.OAUTH_INTEROP_STEP_TIMEOUT_MS ?? 20000);
const TOTAL_TIMEOUT_MS = Number(process.env.OAUTH_INTEROP_TOTAL_TIMEOUT_MS ?? 240000);
const CIMD_PORT = Number(requireEnv('OAUTH_INTEROP_CIMD_PORT'));
const CIMD_TLS_KEY = requireEnv('OAUTH_INTEROP_CIMD_TLS_KEY');
const CIMD_TLS_CERT = requireEnv('OAUTH_INTEROP_CIMD_TLS_CERT');
const CIMD_CA = readFileSync(requireEnv('OAUTH_INTEROP_CIMD_CA'));
const MACHINE_SECRET = requireEnv('OAUTH_INTEROP_MACHINE_SECRET');
const MACHINE_KEY = readFileSync(requireEnv('OAUTH_INTEROP_MACHINE_KEY'), 'utf8');

// Never listened on: the browser stops at the first redirect to it and hands the code to the app.
const REDIRECT_URL = 'http://127.0.0.1:33418/oauth-interop/callback';
const TOOLS = ['countdown', 'echo', 'greet', 'whoami', 'write-note']; // sorted
const SERVER_NAME = 'fastmcp-oauth-interop';

startWatchdog(TOTAL_TIMEOUT_MS, 'oauth-interop run');

// --------------------------------------------------------------------------------------- network guard

const trace = []; // "METHOD origin/path -> status", for failure reports (no query strings)

guardFetch('oauth-interop', STEP_TIMEOUT_MS, (method, url) => {
  const line = `${method} ${url.origin}${url.pathname}`;
  return (response, error) => trace.push(`${line} -> ${response ? response.status : error.name}`);
});

// ------------------------------------------------------------------------------------------ test harness

/** Runs one check, bounded by the step timeout; prints PASS or FAIL (with the recent requests on failure). */
const check = checker({
  stepTimeoutMs: STEP_TIMEOUT_MS,
  mark: () => trace.length,
  requestsSince: (start) => trace.slice(Math.max(start, trace.length - 25)),
});

/** A check that cannot run because an earlier one failed. */
function skip(name, reason) {
  results.failed++;
  console.log(`FAIL  ${name}\n      not run: ${reason}`);
}

function sameUrl(a, b) {
  const norm = (u) => String(u).replace(/\/+$/, '');
  return norm(a) === norm(b);
}

function decodeJwtPayload(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------------------------- headless browser

/** The forms of an HTML page: method, action, hidden inputs and submit buttons (name/value pairs). */
function parseForms(html) {
  const forms = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const attrs = attributes(m[1]);
    const fields = [];
    const buttons = [];
    for (const input of m[2].matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes(input[1]);
      if (!a.name) continue;
      const type = (a.type ?? 'text').toLowerCase();
      if (type === 'submit') buttons.push({ name: a.name, value: a.value ?? '' });
      else fields.push({ name: a.name, value: a.value ?? '' });
    }
    for (const button of m[2].matchAll(/<button\b([^>]*)>/gi)) {
      const a = attributes(button[1]);
      if (a.name && (a.type ?? 'submit').toLowerCase() === 'submit') buttons.push({ name: a.name, value: a.value ?? '' });
    }
    forms.push({ method: (attrs.method ?? 'get').toLowerCase(), action: attrs.action ?? '', fields, buttons });
  }
  return forms;
}

/** A user agent: a cookie jar (host-scoped like a browser's: ports are ignored), redirects followed by hand. */
class Browser {
  constructor(name) {
    this.name = name;
    this.cookies = []; // { name, value, host, path, expires, attributes }
    this.setCookieLog = []; // "name; attributes" as set, values never kept here
  }

  storeCookies(response, url) {
    for (const header of response.headers.getSetCookie?.() ?? []) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      secret(value);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expires = Infinity;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'path' && v.startsWith('/')) path = v;
        if (key === 'max-age') expires = Date.now() + Number(v) * 1000;
        if (key === 'expires' && expires === Infinity) expires = Date.parse(v) || Infinity;
      }
      this.setCookieLog.push(`${url.host}${url.pathname}: ${name}; ${attrs.join('; ')}`);
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === url.hostname && c.path === path));
      if (expires > Date.now()) this.cookies.push({ name, value, host: url.hostname, path, expires, attributes: attrs });
    }
  }

  cookieHeader(url) {
    const now = Date.now();
    const matching = this.cookies.filter((c) => c.host === url.hostname && c.expires > now
      && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)));
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /**
   * Navigates: one request, then every redirect, until a redirect to the app's redirect URI (returned, not
   * fetched), an HTML page, or an error. initiator: the origin of the page that started the navigation,
   * or null for one the user started (a link opened by the app).
   */
  async navigate(start, { method = 'GET', form, initiator = null, redirectUri = REDIRECT_URL } = {}) {
    let url = new URL(start);
    const chain = [];
    const hops = [];
    for (let hop = 0; hop < 20; hop++) {
      chain.push(url);
      const headers = {
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'sec-fetch-site': fetchSite(initiator, chain),
        'user-agent': 'fastmcp-oauth-interop-headless-browser',
      };
      if (hop === 0) headers['sec-fetch-user'] = '?1';
      const cookie = this.cookieHeader(url);
      if (cookie) headers.cookie = cookie;
      let body;
      if (method === 'POST') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers.origin = initiator ?? 'null';
        body = new URLSearchParams(form).toString();
      }
      const response = await globalThis.fetch(url, { method, headers, body, redirect: 'manual' });
      this.storeCookies(response, url);
      hops.push(`${method} ${url.origin}${url.pathname} -> ${response.status}`);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        if (next.href.startsWith(redirectUri)) {
          for (const name of ['code', 'state']) if (next.searchParams.get(name)) secret(next.searchParams.get(name));
          return { kind: 'redirect', url: next, hops };
        }
        if (response.status !== 307 && response.status !== 308) {
          method = 'GET';
          form = undefined;
        }
        url = next;
        continue;
      }
      const type = response.headers.get('content-type') ?? '';
      if (response.status === 200 && type.toLowerCase().startsWith('text/html')) {
        return { kind: 'page', url, response, html: await response.text(), hops };
      }
      throw new Error(`${this.name}: navigation stopped at ${method} ${url.origin}${url.pathname}: HTTP ${response.status}`
        + ` ${type} ${await bodyExcerpt(response)}\n  hops: ${hops.join(' | ')}`);
    }
    throw new Error(`${this.name}: more than 20 redirects; hops: ${hops.join(' | ')}`);
  }
}

/** Sec-Fetch-Site of a navigation request: the initiator against every URL of the redirect chain so far. */
function fetchSite(initiator, chain) {
  if (initiator === null) return 'none';
  const origin = new URL(initiator);
  if (chain.every((u) => u.origin === origin.origin)) return 'same-origin';
  if (chain.every((u) => u.protocol === origin.protocol && u.hostname === origin.hostname)) return 'same-site';
  return 'cross-site';
}

/** The consent form of a page, or undefined when the page has none. */
function consentForm(page) {
  return parseForms(page.html).find((f) => f.fields.some((x) => x.name === 'transaction_id'));
}

/**
 * Submits the consent form with one button (action=approve or deny), optionally with tampered fields, and
 * follows the redirects. Returns the navigation result.
 */
async function submitConsent(browser, page, action, { tamper } = {}) {
  const form = consentForm(page);
  assert.ok(form, `the page at ${page.url.pathname} has no consent form (no transaction_id field)`);
  assert.equal(form.method, 'post', 'the consent form is not method="post"');
  const fields = form.fields.map((f) => [f.name, f.value]);
  for (const [, value] of fields) secret(value);
  const button = form.buttons.find((b) => b.name === 'action' && b.value === action);
  assert.ok(button, `the consent form has no button action=${action}; buttons: ${JSON.stringify(form.buttons)}`);
  fields.push([button.name, button.value]);
  const target = new URL(form.action || page.url.href, page.url);
  const submitted = tamper ? tamper(fields) : fields;
  return browser.navigate(target, { method: 'POST', form: submitted, initiator: page.url.origin });
}

// --------------------------------------------------------------------------------------- OAuth provider

/**
 * An OAuthClientProvider for a dynamically registered public client. redirectToAuthorization drives the
 * browser through the proxy's consent page (approving) and the upstream, and keeps the code for the app.
 */
class HeadlessProvider {
  constructor(browser) {
    this.browser = browser;
    this._client = undefined;
    this._tokens = undefined;
    this._verifier = undefined;
    this.accessTokenOverride = undefined;
    this.flows = []; // one entry per authorization: { state, code, iss, consentShown, hops, error }
    this.savedTokens = 0;
  }
  get redirectUrl() { return REDIRECT_URL; }
  get clientMetadata() {
    return {
      client_name: 'fastmcp-oauth-interop',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    const value = `st-${fingerprint(Math.random())}${fingerprint(Date.now())}`;
    this._state = value;
    return value;
  }
  clientInformation() { return this._client; }
  saveClientInformation(info) {
    if (info.client_secret) secret(info.client_secret);
    if (info.registration_access_token) secret(info.registration_access_token);
    this._client = info;
  }
  tokens() {
    if (!this._tokens) return undefined;
    return this.accessTokenOverride ? { ...this._tokens, access_token: this.accessTokenOverride } : this._tokens;
  }
  saveTokens(tokens) {
    for (const name of ['access_token', 'refresh_token', 'id_token']) if (tokens[name]) secret(tokens[name]);
    this._tokens = tokens;
    this.accessTokenOverride = undefined;
    this.savedTokens++;
  }
  saveCodeVerifier(verifier) { secret(verifier); this._verifier = verifier; }
  codeVerifier() { return this._verifier; }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'client') this._client = undefined;
    if (scope === 'all' || scope === 'tokens') this._tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this._verifier = undefined;
  }

  async redirectToAuthorization(url) {
    const flow = { state: url.searchParams.get('state'), consentShown: false, hops: [], authorizationUrl: new URL(url.href) };
    this.flows.push(flow);
    try {
      let result = await this.browser.navigate(url);
      flow.hops.push(...result.hops);
      if (result.kind === 'page') {
        flow.consentShown = true;
        flow.consentPage = result;
        result = await submitConsent(this.browser, result, 'approve');
        flow.hops.push(...result.hops);
      }
      if (result.kind !== 'redirect') {
        throw new Error(`after approval: an HTML page at ${result.url.pathname} instead of the redirect to the app`);
      }
      flow.callback = result.url;
      flow.error = result.url.searchParams.get('error') ?? undefined;
      flow.code = result.url.searchParams.get('code') ?? undefined;
      flow.iss = result.url.searchParams.get('iss') ?? undefined;
      this.code = flow.code;
    } catch (error) {
      flow.failure = error;
    }
  }

  lastFlow() { return this.flows[this.flows.length - 1]; }
}

// ------------------------------------------------------------------------------------------------ helpers

function newClient() {
  return new Client({ name: 'fastmcp-oauth-interop', version: '1.0.0' });
}

function newTransport(provider) {
  return new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider });
}

async function callTool(client, name, args = {}) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: STEP_TIMEOUT_MS });
}

function text(result) {
  assert.ok(!result.isError, `tool returned isError: ${redact(JSON.stringify(result.content))}`);
  const first = result.content?.[0];
  assert.equal(first?.type, 'text', `expected text content, got ${redact(JSON.stringify(result.content))}`);
  return first.text;
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'fastmcp-oauth-interop-raw', version: '1.0.0' },
  },
};

/** A raw MCP initialize with an optional bearer token. */
function rawInitialize(token) {
  return globalThis.fetch(MCP_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(INITIALIZE),
  });
}

/** A form POST to an OAuth endpoint with the client's authentication (Basic with a secret, else client_id). */
function oauthPost(endpoint, params, clientInfo) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const body = new URLSearchParams(params);
  if (clientInfo.client_secret && clientInfo.token_endpoint_auth_method !== 'client_secret_post') {
    const enc = (s) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(clientInfo.client_id)}:${enc(clientInfo.client_secret)}`).toString('base64')}`;
  } else {
    body.set('client_id', clientInfo.client_id);
    if (clientInfo.client_secret) body.set('client_secret', clientInfo.client_secret);
  }
  return globalThis.fetch(endpoint, { method: 'POST', headers, body: body.toString() });
}

// ------------------------------------------------------------------------------------------------ checks

console.log(`oauth-interop: @modelcontextprotocol/sdk ${packageVersion(import.meta.url, '@modelcontextprotocol/sdk')}, `
  + `oauth2-mock-server ${packageVersion(import.meta.url, 'oauth2-mock-server')}, Node ${process.version}`);
console.log(`oauth-interop: server ${MCP_URL.href}, upstream ${UPSTREAM.origin}`);

section('(a) discovery: the 401 challenge, protected resource metadata, authorization server metadata');

let prmUrl;
await check('raw POST initialize without a token: 401 with a resource_metadata challenge', async () => {
  const response = await rawInitialize();
  await response.text();
  assert.equal(response.status, 401);
  const header = response.headers.get('www-authenticate');
  assert.ok(header, '401 without WWW-Authenticate');
  const params = extractWWWAuthenticateParams(response);
  assert.ok(params.resourceMetadataUrl instanceof URL, `no resource_metadata in: ${header}`);
  prmUrl = params.resourceMetadataUrl;
  return header;
});

let prm;
let asUrl;
await check('protected resource metadata: resource is the MCP URL, the authorization server is this server', async () => {
  prm = await discoverOAuthProtectedResourceMetadata(MCP_URL, prmUrl ? { resourceMetadataUrl: prmUrl } : undefined);
  assert.equal(prm.resource, MCP_URL.href, 'resource');
  assert.ok(Array.isArray(prm.authorization_servers) && prm.authorization_servers.length >= 1, 'authorization_servers');
  asUrl = new URL(prm.authorization_servers[0]);
  assert.equal(asUrl.origin, MCP_URL.origin, 'the authorization server is not on the MCP server\'s origin');
  return `authorization_servers=${JSON.stringify(prm.authorization_servers)} scopes_supported=${JSON.stringify(prm.scopes_supported ?? null)}`;
});

let asMetadata;
await check('authorization server metadata (RFC 8414): issuer, endpoints, S256, grants', async () => {
  assert.ok(asUrl, 'no authorization server from the previous check');
  asMetadata = await discoverAuthorizationServerMetadata(asUrl);
  assert.ok(asMetadata, `no metadata found for ${asUrl.href}`);
  assert.ok(sameUrl(asMetadata.issuer, asUrl.href), `issuer ${asMetadata.issuer} is not ${asUrl.href}`);
  for (const name of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint']) {
    assert.ok(asMetadata[name], `${name} missing`);
    assert.equal(new URL(asMetadata[name]).origin, MCP_URL.origin, `${name} is not on the server's origin`);
  }
  assert.ok(asMetadata.code_challenge_methods_supported?.includes('S256'), 'code_challenge_methods_supported lacks S256');
  assert.ok(asMetadata.response_types_supported?.includes('code'), 'response_types_supported lacks code');
  const grants = asMetadata.grant_types_supported ?? [];
  assert.ok(grants.includes('authorization_code') && grants.includes('refresh_token'), `grant_types_supported: ${grants}`);
  return `issuer=${asMetadata.issuer} iss_parameter=${asMetadata.authorization_response_iss_parameter_supported ?? 'absent'}`;
});

section('(b) the SDK\'s OAuth flow, with the headless browser approving on the consent page');

const browser = new Browser('browser');
const provider = new HeadlessProvider(browser);
let flow;

await check('connect() without tokens: registers, sends the browser to authorize, rejects with UnauthorizedError', async () => {
  const client = newClient();
  const error = await rejection(client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS }), 'connect without tokens');
  await client.close().catch(() => {});
  flow = provider.lastFlow();
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  assert.ok(provider.clientInformation()?.client_id, 'no client registered (dynamic client registration)');
  assert.ok(flow, 'the SDK never called redirectToAuthorization');
  assert.equal(flow.authorizationUrl.searchParams.get('resource'), MCP_URL.href, 'resource parameter (RFC 8707)');
  return `client_id=${secret(provider.clientInformation().client_id)} `
    + `auth_method=${provider.clientInformation().token_endpoint_auth_method ?? '(none given)'}`;
});

await check('browser: the consent page is served (HTML, a POST form with transaction_id, csrf_token, approve/deny)', async () => {
  assert.ok(flow, 'no authorization flow');
  if (flow.failure && !flow.consentPage) throw flow.failure;
  assert.ok(flow.consentShown, `no consent page: the authorization redirected straight on (hops: ${flow.hops.join(' | ')})`);
  const form = consentForm(flow.consentPage);
  assert.ok(form, 'no form with a transaction_id field');
  assert.equal(form.method, 'post');
  assert.ok(form.fields.some((f) => f.name === 'csrf_token' && f.value), 'no csrf_token field');
  const actions = form.buttons.filter((b) => b.name === 'action').map((b) => b.value).sort();
  assert.deepEqual(actions, ['approve', 'deny'], 'action buttons');
  assert.equal(new URL(form.action || flow.consentPage.url.href, flow.consentPage.url).origin, MCP_URL.origin, 'form action origin');
  return `form action=${new URL(form.action || flow.consentPage.url.href, flow.consentPage.url).pathname}`;
});

await check('browser: the consent page cannot be framed (X-Frame-Options or CSP frame-ancestors)', async () => {
  assert.ok(flow?.consentPage, 'no consent page');
  const headers = flow.consentPage.response.headers;
  const xfo = headers.get('x-frame-options') ?? '';
  const csp = headers.get('content-security-policy') ?? '';
  assert.ok(/deny|sameorigin/i.test(xfo) || /frame-ancestors\s+('none'|'self')/i.test(csp),
    `x-frame-options="${xfo}" content-security-policy="${csp}"`);
  return `x-frame-options=${xfo || '-'}; csp frame-ancestors ${/frame-ancestors[^;]*/i.exec(csp)?.[0] ?? '-'}`;
});

await check('browser: approve -> upstream authorize -> proxy callback -> the app\'s redirect URI with code and state', async () => {
  assert.ok(flow, 'no authorization flow');
  if (flow.failure) throw flow.failure;
  assert.equal(flow.error, undefined, `the redirect carries error=${flow.error}: ${redact(flow.callback?.search)}`);
  assert.ok(flow.code, 'no code in the redirect to the app');
  assert.equal(flow.callback.searchParams.get('state'), flow.state, 'state not echoed');
  const upstreamHop = flow.hops.find((h) => h.includes(`${UPSTREAM.origin}/authorize`));
  assert.ok(upstreamHop, `the browser never went to the upstream's /authorize; hops: ${flow.hops.join(' | ')}`);
  const callbackHop = flow.hops.find((h) => h.startsWith(`GET ${MCP_URL.origin}/`) && flow.hops.indexOf(h) > flow.hops.indexOf(upstreamHop));
  assert.ok(callbackHop, `the upstream did not send the browser back to the server; hops: ${flow.hops.join(' | ')}`);
  return flow.hops.join(' | ');
});

await check('the redirect to the app carries iss (RFC 9207) equal to the issuer', async () => {
  assert.ok(flow?.callback, 'no redirect to the app');
  assert.ok(flow.iss, 'no iss parameter');
  assert.ok(asMetadata && sameUrl(flow.iss, asMetadata.issuer), `iss=${flow.iss} issuer=${asMetadata?.issuer}`);
});

await check('cookies set during the flow (names and attributes; values not shown)', async () => {
  assert.ok(browser.setCookieLog.length > 0, 'no cookie was set (the approval should set a binding cookie)');
  return browser.setCookieLog.join(' || ');
});

let firstTokens;
let firstCode;
let firstVerifier;
await check('finishAuth(code): the SDK exchanges the code at the token endpoint', async () => {
  assert.ok(flow?.code, 'no authorization code');
  firstCode = flow.code;
  firstVerifier = provider.codeVerifier();
  const transport = newTransport(provider);
  await transport.finishAuth(flow.code);
  firstTokens = provider.tokens();
  assert.ok(firstTokens?.access_token, 'no access_token');
  assert.ok(firstTokens.refresh_token, 'no refresh_token');
  assert.match(firstTokens.token_type ?? '', /^bearer$/i, 'token_type');
  return `access=${secret(firstTokens.access_token)} refresh=${secret(firstTokens.refresh_token)} `
    + `expires_in=${firstTokens.expires_in} scope="${firstTokens.scope ?? ''}"`;
});

await check('token swap: the client\'s access token is the server\'s, not the upstream\'s (a JWT: aud = the MCP resource)', async () => {
  assert.ok(firstTokens, 'no tokens');
  const claims = decodeJwtPayload(firstTokens.access_token);
  if (claims) {
    assert.ok(!sameUrl(claims.iss ?? '', UPSTREAM.origin), 'the access token was issued by the upstream provider');
    const audiences = [].concat(claims.aud ?? []);
    assert.ok(audiences.some((a) => sameUrl(a, MCP_URL.href)), `aud ${JSON.stringify(claims.aud)} is not ${MCP_URL.href}`);
  }
  return claims ? `JWT iss=${claims.iss} aud=${JSON.stringify(claims.aud)}` : 'opaque token';
});

let session;
await check('connect() with the tokens: initialize succeeds', async () => {
  const client = newClient();
  const transport = newTransport(provider);
  await client.connect(transport, { timeout: STEP_TIMEOUT_MS });
  session = { client, transport };
  const info = client.getServerVersion();
  assert.equal(info?.name, SERVER_NAME, 'serverInfo.name');
  return `server ${info.name} ${info.version}`;
});

if (session) {
  await check('listTools: whoami, echo, greet, countdown and write-note', async () => {
    const { tools } = await session.client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, TOOLS);
    return names.join(', ');
  });

  await check('callTool whoami: the upstream user\'s subject', async () => {
    const subject = text(await callTool(session.client, 'whoami'));
    assert.equal(subject, UPSTREAM_SUBJECT);
    return subject;
  });

  await check('callTool echo', async () => {
    assert.equal(text(await callTool(session.client, 'echo', { text: 'hello through the proxy' })), 'hello through the proxy');
  });
  await session.client.close().catch(() => {});
} else {
  for (const name of ['listTools', 'callTool whoami', 'callTool echo']) skip(name, 'no connection');
}

section('(c) refresh');

let refreshed;
await check('auth() with a stored refresh token refreshes: a new access token, the refresh token rotated', async () => {
  assert.ok(firstTokens?.refresh_token, 'no refresh token');
  const before = provider.savedTokens;
  const result = await auth(provider, { serverUrl: MCP_URL, resourceMetadataUrl: prmUrl });
  assert.equal(result, 'AUTHORIZED');
  assert.equal(provider.flows.length, 1, 'auth() started a new authorization instead of refreshing');
  assert.equal(provider.savedTokens, before + 1, 'no tokens saved');
  refreshed = provider.tokens();
  assert.ok(refreshed.access_token && refreshed.access_token !== firstTokens.access_token, 'the access token did not change');
  assert.ok(refreshed.refresh_token && refreshed.refresh_token !== firstTokens.refresh_token, 'the refresh token was not rotated');
  return `access ${secret(firstTokens.access_token)} -> ${secret(refreshed.access_token)}, `
    + `refresh ${secret(firstTokens.refresh_token)} -> ${secret(refreshed.refresh_token)}`;
});

await check('the refreshed access token works: connect and whoami', async () => {
  assert.ok(refreshed, 'no refreshed tokens');
  const client = newClient();
  try {
    await client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS });
    assert.equal(text(await callTool(client, 'whoami')), UPSTREAM_SUBJECT);
  } finally {
    await client.close().catch(() => {});
  }
});

let autoRefreshed;
await check('an invalid access token with a valid refresh token: the SDK gets 401, refreshes by itself, connects', async () => {
  assert.ok(refreshed, 'no refreshed tokens');
  provider.accessTokenOverride = 'not-a-valid-access-token-oauth-interop';
  const before = provider.savedTokens;
  const flowsBefore = provider.flows.length;
  const client = newClient();
  try {
    await client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS });
    assert.equal(provider.flows.length, flowsBefore, 'the SDK re-authorized instead of refreshing');
    assert.ok(provider.savedTokens > before, 'no new tokens saved');
    autoRefreshed = provider.tokens();
    assert.notEqual(autoRefreshed.access_token, refreshed.access_token, 'the access token did not change');
    assert.equal(text(await callTool(client, 'whoami')), UPSTREAM_SUBJECT);
    return `access -> ${secret(autoRefreshed.access_token)}`;
  } finally {
    provider.accessTokenOverride = undefined;
    await client.close().catch(() => {});
  }
});

section('(d) revocation (RFC 7009)');

const revocationEndpoint = asMetadata?.revocation_endpoint ?? `${MCP_URL.origin}/oauth/revoke`;
const tokenEndpoint = asMetadata?.token_endpoint ?? `${MCP_URL.origin}/oauth/token`;
const current = () => provider.tokens();

await check('revoke the access token: 200', async () => {
  assert.ok(current()?.access_token, 'no tokens');
  const response = await oauthPost(revocationEndpoint,
    { token: current().access_token, token_type_hint: 'access_token' }, provider.clientInformation());
  const body = await bodyExcerpt(response);
  assert.equal(response.status, 200, `HTTP ${response.status}: ${body}`);
});

await check('a request with the revoked access token: 401 invalid_token', async () => {
  assert.ok(current()?.access_token, 'no tokens');
  const response = await rawInitialize(current()?.access_token);
  await response.text();
  assert.equal(response.status, 401);
  const params = extractWWWAuthenticateParams(response);
  assert.equal(params.error, 'invalid_token', `WWW-Authenticate: ${response.headers.get('www-authenticate')}`);
  return response.headers.get('www-authenticate');
});

await check('revoke the refresh token: 200', async () => {
  assert.ok(current()?.refresh_token, 'no refresh token');
  const response = await oauthPost(revocationEndpoint,
    { token: current().refresh_token, token_type_hint: 'refresh_token' }, provider.clientInformation());
  const body = await bodyExcerpt(response);
  assert.equal(response.status, 200, `HTTP ${response.status}: ${body}`);
});

await check('a refresh with the revoked refresh token: 400 invalid_grant', async () => {
  assert.ok(current()?.refresh_token, 'no refresh token');
  const response = await oauthPost(tokenEndpoint,
    { grant_type: 'refresh_token', refresh_token: current().refresh_token }, provider.clientInformation());
  const body = await jsonBody(response);
  assert.equal(response.status, 400, `HTTP ${response.status}: ${redact(JSON.stringify(body))}`);
  assert.equal(body.error, 'invalid_grant');
  assert.match(response.headers.get('cache-control') ?? '', /no-store/i, 'Cache-Control: no-store');
});

await check('revoking an unknown token: 200 (RFC 7009 §2.2)', async () => {
  assert.ok(provider.clientInformation(), 'no registered client');
  const response = await oauthPost(revocationEndpoint, { token: 'no-such-token-oauth-interop' }, provider.clientInformation());
  const body = await bodyExcerpt(response);
  assert.equal(response.status, 200, `HTTP ${response.status}: ${body}`);
});

section('(e) after revocation the SDK starts over: refresh fails, a new authorization, connect');

await check('connect() with the revoked tokens: refresh refused, the browser authorizes again, UnauthorizedError', async () => {
  const flowsBefore = provider.flows.length;
  const client = newClient();
  const error = await rejection(client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS }), 'connect with revoked tokens');
  await client.close().catch(() => {});
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  assert.equal(provider.flows.length, flowsBefore + 1, 'no new authorization');
  const again = provider.lastFlow();
  if (again.failure) throw again.failure;
  assert.ok(again.code, `no code: ${redact(again.callback?.search ?? '')}`);
  return `consent page ${again.consentShown ? 'shown again (approved)' : 'skipped (approval remembered)'}`;
});

await check('finishAuth with the new code, connect, whoami', async () => {
  const again = provider.lastFlow();
  assert.ok(again?.code && again !== flow, 'no new code');
  await newTransport(provider).finishAuth(again.code);
  const client = newClient();
  try {
    await client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS });
    assert.equal(text(await callTool(client, 'whoami')), UPSTREAM_SUBJECT);
  } finally {
    await client.close().catch(() => {});
  }
});

section('(f) refusals: a replayed code, a denied consent, a forged CSRF token');

await check('replaying the first authorization code: 400 invalid_grant', async () => {
  assert.ok(firstCode && firstVerifier, 'no first code');
  const response = await oauthPost(tokenEndpoint, {
    grant_type: 'authorization_code', code: firstCode, code_verifier: firstVerifier,
    redirect_uri: REDIRECT_URL, resource: MCP_URL.href,
  }, provider.clientInformation());
  const body = await jsonBody(response);
  assert.equal(response.status, 400, `HTTP ${response.status}: ${redact(JSON.stringify(body))}`);
  assert.equal(body.error, 'invalid_grant');
});

/** A fresh authorization request for the registered client, as the SDK builds it, in a new browser. */
async function freshConsentPage(name) {
  assert.ok(asMetadata && provider.clientInformation(), 'no metadata or client');
  const state = `st-${fingerprint(name + Date.now())}`;
  const { authorizationUrl, codeVerifier } = await startAuthorization(asUrl, {
    metadata: asMetadata,
    clientInformation: provider.clientInformation(),
    redirectUrl: REDIRECT_URL,
    scope: prm?.scopes_supported?.join(' '),
    state,
    resource: MCP_URL,
  });
  secret(codeVerifier);
  const fresh = new Browser(name);
  const page = await fresh.navigate(authorizationUrl);
  assert.equal(page.kind, 'page', `no consent page for a browser without cookies (got a redirect to ${page.url?.pathname})`);
  return { browser: fresh, page, state };
}

await check('deny on the consent page: the app gets error=access_denied with its state, and no code', async () => {
  const { browser: fresh, page, state } = await freshConsentPage('browser-deny');
  const result = await submitConsent(fresh, page, 'deny');
  assert.equal(result.kind, 'redirect', `no redirect to the app after deny (page at ${result.url?.pathname})`);
  assert.equal(result.url.searchParams.get('error'), 'access_denied');
  assert.equal(result.url.searchParams.get('state'), state, 'state');
  assert.equal(result.url.searchParams.get('code'), null, 'a code after deny');
  assert.ok(!result.hops.some((h) => h.includes(UPSTREAM.origin)), 'the browser was sent upstream after deny');
});

await check('approve with a forged csrf_token: refused, no code, not sent upstream', async () => {
  const { browser: fresh, page } = await freshConsentPage('browser-csrf');
  let result;
  try {
    result = await submitConsent(fresh, page, 'approve', {
      tamper: (fields) => fields.map(([k, v]) => (k === 'csrf_token' ? [k, `${v.startsWith('x') ? 'y' : 'x'}${v.slice(1)}`] : [k, v])),
    });
  } catch (error) {
    // An error page (4xx) ends the navigation: what we expect.
    assert.match(String(error.message), /HTTP 4\d\d/, describe(error));
    assert.ok(!String(error.message).includes(UPSTREAM.origin), 'the browser was sent upstream');
    return String(error.message).match(/HTTP 4\d\d/)[0];
  }
  assert.ok(!result.hops.some((h) => h.includes(UPSTREAM.origin)), 'the browser was sent upstream');
  assert.equal(result.kind === 'redirect' ? result.url.searchParams.get('code') : null, null, 'a code with a forged CSRF token');
  return result.kind === 'redirect' ? `redirect with error=${result.url.searchParams.get('error')}` : `page ${result.url.pathname}`;
});

// ------------------------------------------------------------- client ID metadata documents (CIMD)

section('(g) a client identified by its metadata document (CIMD): the SDK signs in with a URL as its client_id');

// The server accepts documents at https://localhost:CIMD_PORT/clients/* only (FASTMCP_CIMD_ALLOWED), from this
// machine only because the script turns on the examples' development mode (FASTMCP_DEV_INSECURE_CIMD=1).
const CIMD_ORIGIN = `https://localhost:${CIMD_PORT}`;
const CIMD_PATH = '/clients/oauth-interop-cimd.json';
const CIMD_URL = `${CIMD_ORIGIN}${CIMD_PATH}`;
const CIMD_NAME = 'OAuth interop CIMD client';

/** A client metadata document: a public client (PKCE, no secret) with the test's redirect URI. */
function clientDocument(clientId, name) {
  return {
    client_id: clientId,
    client_name: name,
    redirect_uris: [REDIRECT_URL],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

/** A GET of a document by this test itself, over https trusting only the test CA; not counted as the server's. */
function selfFetch(url) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca: CIMD_CA, headers: { [SELF_CHECK_HEADER]: '1' }, timeout: STEP_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'] ?? '', body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${STEP_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The POSTs to the registration endpoint among the requests this process made from trace index `from` on. */
function registrationPosts(from = 0) {
  const endpoint = new URL(asMetadata?.registration_endpoint ?? `${MCP_URL.origin}/oauth/register`);
  const prefix = `POST ${endpoint.origin}${endpoint.pathname} `;
  return trace.slice(from).filter((line) => line.startsWith(prefix)).length;
}

/** The HeadlessProvider of a client whose client_id is the URL of its metadata document. */
class CimdProvider extends HeadlessProvider {
  constructor(browser, documentUrl) {
    super(browser);
    this.documentUrl = documentUrl;
  }
  get clientMetadataUrl() { return this.documentUrl; }
}

/**
 * A CimdProvider whose browser opens the authorization URL and stops at the first answer, whatever it is: a
 * refused client must get an error page there, and a redirect (to its redirect URI or anywhere) is a failure.
 */
class RefusedCimdProvider extends CimdProvider {
  async redirectToAuthorization(url) {
    const flow = { authorizationUrl: new URL(url.href) };
    this.flows.push(flow);
    try {
      const response = await globalThis.fetch(url, {
        redirect: 'manual',
        headers: {
          accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': 'document',
          'sec-fetch-site': 'none',
          'sec-fetch-user': '?1',
          'user-agent': 'fastmcp-oauth-interop-headless-browser',
        },
      });
      flow.status = response.status;
      flow.type = response.headers.get('content-type') ?? '';
      flow.location = response.headers.get('location');
      flow.html = await response.text();
    } catch (error) {
      flow.failure = error;
    }
  }
}

let documents;
const traceBeforeCimd = trace.length;
await check('the test serves the client\'s metadata document over https (a certificate of the test CA for localhost and 127.0.0.1)', async () => {
  documents = await startDocumentServer({ port: CIMD_PORT, keyFile: CIMD_TLS_KEY, certFile: CIMD_TLS_CERT });
  documents.serve(CIMD_PATH, clientDocument(CIMD_URL, CIMD_NAME));
  const viaName = await selfFetch(CIMD_URL);
  assert.equal(viaName.status, 200, `GET ${CIMD_URL}: HTTP ${viaName.status}`);
  assert.match(viaName.type, /^application\/json/, 'content type');
  assert.equal(JSON.parse(viaName.body).client_id, CIMD_URL, 'the document\'s client_id is its URL');
  // The certificate also holds 127.0.0.1: a document there is refused by the policy below, not by TLS.
  const viaAddress = await selfFetch(`https://127.0.0.1:${CIMD_PORT}/no-such-document.json`);
  assert.equal(viaAddress.status, 404, 'https://127.0.0.1 with the test CA');
  return `${CIMD_URL} (${viaName.body.length} bytes)`;
});

await check('authorization server metadata: client_id_metadata_document_supported is true', async () => {
  assert.ok(asMetadata, 'no authorization server metadata');
  assert.equal(asMetadata.client_id_metadata_document_supported, true,
    `client_id_metadata_document_supported=${asMetadata.client_id_metadata_document_supported}`);
});

const cimdBrowser = new Browser('browser-cimd');
const cimdProvider = new CimdProvider(cimdBrowser, CIMD_URL);
let cimdFlow;
await check('connect() without tokens: no registration, client_id = the document URL, the browser sent to authorize', async () => {
  const client = newClient();
  const error = await rejection(client.connect(newTransport(cimdProvider), { timeout: STEP_TIMEOUT_MS }), 'connect without tokens');
  await client.close().catch(() => {});
  cimdFlow = cimdProvider.lastFlow();
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  const info = cimdProvider.clientInformation();
  assert.equal(info?.client_id, CIMD_URL, 'the client information the SDK saved');
  assert.equal(info.client_secret, undefined, 'a client secret');
  assert.ok(cimdFlow, 'the SDK never called redirectToAuthorization');
  assert.equal(cimdFlow.authorizationUrl.searchParams.get('client_id'), CIMD_URL, 'client_id of the authorization request');
  assert.equal(registrationPosts(traceBeforeCimd), 0, 'POST to the registration endpoint');
  return `client_id=${info.client_id}`;
});

await check('the server fetched the document from the test\'s https server (SNI localhost)', async () => {
  const fetched = documents?.fetches(CIMD_PATH) ?? 0;
  assert.ok(fetched >= 1, `the document was never fetched; document server requests: ${documents?.requests.join(' | ')}`);
  assert.ok(documents.requests.some((r) => r.startsWith(`GET ${CIMD_PATH} (sni localhost)`)),
    `no fetch with SNI localhost: ${documents.requests.join(' | ')}`);
  return `${fetched} fetch(es): ${documents.requests.filter((r) => !r.includes('the test')).join(' | ')}`;
});

await check('the consent page names the client by its document and shows its domain (the host of its client_id)', async () => {
  assert.ok(cimdFlow, 'no authorization flow');
  if (cimdFlow.failure && !cimdFlow.consentPage) throw cimdFlow.failure;
  assert.ok(cimdFlow.consentShown, `no consent page (hops: ${cimdFlow.hops.join(' | ')})`);
  const html = cimdFlow.consentPage.html;
  const domain = /<div class="from">[\s\S]*?<p class="host">([^<]*)<\/p>/.exec(html)?.[1];
  assert.equal(domain === undefined ? undefined : decodeHtml(domain), `localhost:${CIMD_PORT}`, 'the "Application from" domain');
  assert.ok(decodeHtml(html).includes(CIMD_NAME), `the page does not name "${CIMD_NAME}"`);
  assert.ok(decodeHtml(html).includes(CIMD_URL), 'the page does not show the client ID');
  assert.ok(consentForm(cimdFlow.consentPage), 'no consent form');
  return `Application from ${decodeHtml(domain)}`;
});

await check('browser: approve -> upstream authorize -> proxy callback -> the app\'s redirect URI with code and state', async () => {
  assert.ok(cimdFlow, 'no authorization flow');
  if (cimdFlow.failure) throw cimdFlow.failure;
  assert.equal(cimdFlow.error, undefined, `the redirect carries error=${cimdFlow.error}`);
  assert.ok(cimdFlow.code, 'no code in the redirect to the app');
  assert.equal(cimdFlow.callback.searchParams.get('state'), cimdFlow.state, 'state not echoed');
  assert.ok(cimdFlow.hops.some((h) => h.includes(`${UPSTREAM.origin}/authorize`)),
    `the browser never went to the upstream's /authorize; hops: ${cimdFlow.hops.join(' | ')}`);
  assert.ok(cimdFlow.iss && sameUrl(cimdFlow.iss, asMetadata?.issuer ?? ''), `iss=${cimdFlow.iss}`);
  return cimdFlow.hops.join(' | ');
});

let cimdTokens;
await check('finishAuth(code): tokens for the document\'s client (the access token\'s client_id is the URL)', async () => {
  assert.ok(cimdFlow?.code, 'no authorization code');
  await newTransport(cimdProvider).finishAuth(cimdFlow.code);
  cimdTokens = cimdProvider.tokens();
  assert.ok(cimdTokens?.access_token, 'no access_token');
  assert.ok(cimdTokens.refresh_token, 'no refresh_token');
  const claims = decodeJwtPayload(cimdTokens.access_token);
  assert.ok(claims, 'the access token is not a JWT');
  assert.equal(claims.client_id, CIMD_URL, 'client_id claim');
  assert.equal(registrationPosts(traceBeforeCimd), 0, 'POST to the registration endpoint');
  return `access=${secret(cimdTokens.access_token)} refresh=${secret(cimdTokens.refresh_token)} client_id=${claims.client_id}`;
});

await check('connect with the tokens: listTools, callTool whoami and echo', async () => {
  assert.ok(cimdTokens, 'no tokens');
  const client = newClient();
  try {
    await client.connect(newTransport(cimdProvider), { timeout: STEP_TIMEOUT_MS });
    const { tools } = await client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    assert.equal(text(await callTool(client, 'whoami')), UPSTREAM_SUBJECT);
    assert.equal(text(await callTool(client, 'echo', { text: 'hello from a CIMD client' })), 'hello from a CIMD client');
  } finally {
    await client.close().catch(() => {});
  }
});

let cimdRefreshed;
await check('auth() with the refresh token (client_id = the URL, no secret): new tokens, the refresh token rotated', async () => {
  assert.ok(cimdTokens?.refresh_token, 'no refresh token');
  const flowsBefore = cimdProvider.flows.length;
  const result = await auth(cimdProvider, { serverUrl: MCP_URL, resourceMetadataUrl: prmUrl });
  assert.equal(result, 'AUTHORIZED');
  assert.equal(cimdProvider.flows.length, flowsBefore, 'auth() started a new authorization instead of refreshing');
  cimdRefreshed = cimdProvider.tokens();
  assert.ok(cimdRefreshed.access_token !== cimdTokens.access_token, 'the access token did not change');
  assert.ok(cimdRefreshed.refresh_token && cimdRefreshed.refresh_token !== cimdTokens.refresh_token, 'the refresh token was not rotated');
  assert.equal(decodeJwtPayload(cimdRefreshed.access_token)?.client_id, CIMD_URL, 'client_id claim of the new access token');
  return `access -> ${secret(cimdRefreshed.access_token)}, refresh -> ${secret(cimdRefreshed.refresh_token)}`;
});

await check('the refreshed access token works: connect and whoami', async () => {
  assert.ok(cimdRefreshed, 'no refreshed tokens');
  const client = newClient();
  try {
    await client.connect(newTransport(cimdProvider), { timeout: STEP_TIMEOUT_MS });
    assert.equal(text(await callTool(client, 'whoami')), UPSTREAM_SUBJECT);
  } finally {
    await client.close().catch(() => {});
  }
});

section('(h) documents the server must refuse: an error page at /oauth/authorize, never a redirect to the client');

// Each document is otherwise valid, with a loopback redirect URI: a client the server had accepted would get
// errors of /oauth/authorize redirected there, so a page here shows the refusal came before any redirect.
const refusals = [
  {
    what: 'a document outside FASTMCP_CIMD_ALLOWED (another host, 127.0.0.1): refused by policy, never fetched',
    url: `https://127.0.0.1:${CIMD_PORT}/clients/outside-host.json`,
    fetched: false,
    reason: `does not accept the application https://127.0.0.1:${CIMD_PORT}/clients/outside-host.json: its operator allows only some client metadata documents`,
  },
  {
    what: 'a document outside FASTMCP_CIMD_ALLOWED (another path): refused by policy, never fetched',
    url: `${CIMD_ORIGIN}/elsewhere/outside-path.json`,
    fetched: false,
    reason: `does not accept the application ${CIMD_ORIGIN}/elsewhere/outside-path.json: its operator allows only some client metadata documents`,
  },
  {
    what: 'a document whose client_id is not its own URL (it claims the accepted client\'s): refused once fetched',
    url: `${CIMD_ORIGIN}/clients/impostor.json`,
    claims: CIMD_URL,
    fetched: true,
    reason: `its client_id must be exactly the URL it is served at, not ${CIMD_URL}`,
  },
];

for (const refusal of refusals) {
  await check(refusal.what, async () => {
    assert.ok(documents, 'no document server');
    const path = new URL(refusal.url).pathname;
    documents.serve(path, clientDocument(refusal.claims ?? refusal.url, 'OAuth interop refused client'));
    const own = await selfFetch(refusal.url);
    assert.equal(own.status, 200, `the test cannot read ${refusal.url} itself: HTTP ${own.status}`);
    const refused = new RefusedCimdProvider(new Browser('browser-refused'), refusal.url);
    const client = newClient();
    const error = await rejection(client.connect(newTransport(refused), { timeout: STEP_TIMEOUT_MS }), 'connect');
    await client.close().catch(() => {});
    assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
    assert.equal(refused.clientInformation()?.client_id, refusal.url, 'the SDK did not use the document URL as client_id');
    const flow = refused.lastFlow();
    assert.ok(flow, 'the SDK never sent the browser to authorize');
    if (flow.failure) throw flow.failure;
    assert.equal(flow.authorizationUrl.pathname, new URL(asMetadata.authorization_endpoint).pathname, 'not /oauth/authorize');
    assert.equal(flow.location, null, `a redirect (Location: ${flow.location})`);
    assert.equal(flow.status, 400, `HTTP ${flow.status} ${flow.type} ${redact(flow.html.slice(0, 300))}`);
    assert.match(flow.type, /^text\/html/i, 'content type');
    const page = decodeHtml(flow.html);
    assert.ok(page.includes('Application not accepted'), `the page has no "Application not accepted" title: ${page.slice(0, 300)}`);
    assert.ok(page.includes(refusal.reason), `the page does not say "${refusal.reason}": ${page.slice(0, 500)}`);
    assert.ok(!page.includes(REDIRECT_URL) && !/http-equiv\s*=\s*["']?refresh/i.test(page),
      'the page links or refreshes to the client\'s redirect URI');
    const fetched = documents.fetches(path);
    if (refusal.fetched) assert.ok(fetched >= 1, 'the server never fetched the document');
    else assert.equal(fetched, 0, 'the server fetched a document its policy refuses');
    return `HTTP ${flow.status} ${flow.type}, fetched ${fetched}x: ${decodeHtml(/<p>([\s\S]*?)<\/p>/.exec(flow.html)?.[1] ?? '')}`;
  });
}

await check('no POST to the registration endpoint in (g) and (h); the same count saw the registration of (b)', async () => {
  const during = registrationPosts(traceBeforeCimd);
  const before = registrationPosts() - during;
  assert.ok(before >= 1, 'the count saw no registration in (b) either: it cannot tell');
  assert.equal(during, 0, 'registrations while signing in with metadata documents');
  return `${before} registration(s) before, ${during} during`;
});

await documents?.close();

// -------------------------------------------------------------------- machine clients (client credentials)

await machineClientChecks({
  check, skip, section, secret, redact, describe, rejection, trace, registrationPosts, newClient, callTool, text,
  jsonBody, sameUrl, MCP_URL, STEP_TIMEOUT_MS, TOOLS, machineSecret: MACHINE_SECRET, machineKey: MACHINE_KEY,
});

finish('oauth-interop');
