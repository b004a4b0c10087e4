// Browser test: a real headless Chromium (driven by playwright-core) walks the OAuth flow of the fastmcp-java
// "quickstart" example, as a person would: the OAuth proxy's consent page, then the development identity
// provider's sign-in page. Each page's text is checked and a screenshot taken; then the code is exchanged and
// the token is used at /mcp.
//
// Run by .ci/browser.sh, which starts the server and sets:
//   BROWSER_MCP_URL     the MCP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   BROWSER_CHROMIUM    the Chromium executable (e.g. /usr/bin/chromium)
//   BROWSER_OUT_DIR     where the screenshots go
// Optional: BROWSER_STEP_TIMEOUT_MS (default 20000), BROWSER_TOTAL_TIMEOUT_MS (default 150000).
//
// Prints one PASS or FAIL line per check and a closing "N passed, N failed" line; exits 1 on any failure.
// Tokens and codes are never printed. Only loopback addresses are contacted.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { checker, envReader, finish, LOOPBACK, startWatchdog } from '../lib/harness.mjs';

const requireEnv = envReader('browser-flow');

const MCP_URL = new URL(requireEnv('BROWSER_MCP_URL'));
const CHROMIUM = requireEnv('BROWSER_CHROMIUM');
const OUT_DIR = requireEnv('BROWSER_OUT_DIR');
const STEP_TIMEOUT_MS = Number(process.env.BROWSER_STEP_TIMEOUT_MS ?? 20000);
const TOTAL_TIMEOUT_MS = Number(process.env.BROWSER_TOTAL_TIMEOUT_MS ?? 150000);
const CLIENT_NAME = 'Browser test client';
const USER = 'alice';
const SCOPE = 'openid profile notes:read notes:write';
const WHO = 'browser test';

startWatchdog(TOTAL_TIMEOUT_MS, 'the browser test');

// ------------------------------------------------------------------------------------------------ harness

// Each step bounds itself (fetch, the browser's timeouts); the watchdog bounds the run.
const check = checker({ stepTimeoutMs: TOTAL_TIMEOUT_MS });

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function loopbackFetch(url, init = {}) {
  const target = new URL(url);
  expect(LOOPBACK.has(target.hostname), `refusing to contact ${target.origin}`);
  return fetch(target, { ...init, redirect: 'manual', signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
}

// ---------------------------------------------------------------------- the app's loopback redirect URI

const callbacks = [];
let callbackWaiter = null;
const redirectServer = createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/callback') {
    callbacks.push(url);
    if (callbackWaiter) callbackWaiter(url);
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Signed in. You can close this window.\n');
});
await new Promise((resolve) => redirectServer.listen(0, '127.0.0.1', resolve));
const REDIRECT_URI = `http://127.0.0.1:${redirectServer.address().port}/callback`;
const callbackReceived = new Promise((resolve) => {
  callbackWaiter = resolve;
});

// ----------------------------------------------------------------------------- discovery and registration

let metadata;
let clientId;
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const state = randomBytes(16).toString('base64url');

await check('discovery: 401 without a token, then protected resource and authorization server metadata', async () => {
  const r = await loopbackFetch(MCP_URL, { method: 'POST', headers: mcpHeaders(), body: initializeBody() });
  expect(r.status === 401, `expected 401, got ${r.status}`);
  const header = r.headers.get('www-authenticate') ?? '';
  const prm = /resource_metadata="([^"]+)"/.exec(header)?.[1];
  expect(prm, `no resource_metadata in WWW-Authenticate: ${header}`);
  const resource = await (await loopbackFetch(prm)).json();
  const issuer = resource.authorization_servers?.[0];
  expect(issuer, 'the protected resource metadata names no authorization server');
  metadata = await (await loopbackFetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
  expect(metadata.registration_endpoint && metadata.authorization_endpoint, 'incomplete metadata');
  return issuer;
});

await check('dynamic client registration with a loopback redirect URI', async () => {
  const r = await loopbackFetch(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: CLIENT_NAME, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: SCOPE,
    }),
  });
  expect(r.status === 201, `expected 201, got ${r.status}`);
  clientId = (await r.json()).client_id;
  expect(clientId, 'no client_id');
});
if (!clientId) finish(WHO);

// -------------------------------------------------------------------------------------------- the browser

mkdirSync(OUT_DIR, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'fastmcp-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 900, height: 1000 },
  timeout: STEP_TIMEOUT_MS,
});
context.setDefaultTimeout(STEP_TIMEOUT_MS);
// Nothing leaves the machine: any request to a non-loopback host is aborted.
await context.route('**/*', (route) => (LOOPBACK.has(new URL(route.request().url()).hostname)
  ? route.continue() : route.abort()));
const page = context.pages()[0] ?? await context.newPage();

try {
  const authorize = new URL(metadata.authorization_endpoint);
  Object.entries({
    response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: SCOPE, state,
    code_challenge: challenge, code_challenge_method: 'S256', resource: MCP_URL.href,
  }).forEach(([k, v]) => authorize.searchParams.set(k, v));

  await check('consent page: names the client, the scopes and the redirect, warns, and cannot be framed', async () => {
    const response = await page.goto(authorize.href);
    expect(response.status() === 200, `expected 200, got ${response.status()}`);
    const frame = response.headers()['x-frame-options'];
    expect(frame === 'DENY', `X-Frame-Options is ${frame}`);
    const text = await page.locator('body').innerText();
    for (const wanted of [`Authorize ${CLIENT_NAME}?`, 'notes:write', 'notes:read', '127.0.0.1',
      'Approve only if you started this sign-in yourself']) {
      expect(text.includes(wanted), `the consent page does not say "${wanted}"`);
    }
    await page.screenshot({ path: join(OUT_DIR, 'consent.png'), fullPage: true });
    return 'consent.png';
  });

  await check('approve: the browser lands on the development sign-in page, with its banner', async () => {
    await page.click('button[value="approve"]');
    await page.waitForURL((u) => u.pathname === '/authorize').catch(async (error) => {
      const shown = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
      throw new Error(`${error.message.split('\n')[0]}; the page at ${page.url().split('?')[0]} says: ${shown}`);
    });
    const text = await page.locator('body').innerText();
    for (const wanted of ['Development identity provider - not for production', 'Sign in', 'User name',
      'admin', 'notes:write']) {
      expect(text.includes(wanted), `the sign-in page does not say "${wanted}"`);
    }
    return new URL(page.url()).origin;
  });

  await check('sign in: type a user name, pick the admin role, screenshot, submit', async () => {
    await page.fill('#username', USER);
    await page.check('input[name="role"][value="admin"]');
    await page.screenshot({ path: join(OUT_DIR, 'sign-in.png'), fullPage: true });
    await page.click('button[value="sign_in"]');
    return 'sign-in.png';
  });

  let code;
  await check('the redirect to the client carries code and state', async () => {
    const url = await Promise.race([callbackReceived, new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`no callback; the page is at ${page.url().split('?')[0]}`)), STEP_TIMEOUT_MS))]);
    expect(url.searchParams.get('state') === state, 'state differs');
    code = url.searchParams.get('code');
    expect(code, `no code; error=${url.searchParams.get('error')}`);
    await page.waitForURL((u) => u.href.startsWith(REDIRECT_URI));
    await page.screenshot({ path: join(OUT_DIR, 'redirect.png') });
  });

  let accessToken;
  await check('the code exchange gives an access token', async () => {
    expect(code, 'no code to exchange');
    const r = await loopbackFetch(metadata.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI,
        code_verifier: verifier, client_id: clientId, resource: MCP_URL.href }),
    });
    expect(r.status === 200, `expected 200, got ${r.status}`);
    accessToken = (await r.json()).access_token;
    expect(accessToken, 'no access_token');
  });

  await check('MCP initialize with the token: 200; whoami names the user and the admin role', async () => {
    expect(accessToken, 'no access token');
    const r = await loopbackFetch(MCP_URL, { method: 'POST', headers: mcpHeaders(accessToken),
      body: initializeBody() });
    expect(r.status === 200, `expected 200, got ${r.status}`);
    const session = r.headers.get('mcp-session-id');
    await r.text();
    const headers = { ...mcpHeaders(accessToken), 'mcp-protocol-version': '2025-11-25' };
    if (session) headers['mcp-session-id'] = session;
    await loopbackFetch(MCP_URL, { method: 'POST', headers,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    const call = await loopbackFetch(MCP_URL, { method: 'POST', headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } }) });
    expect(call.status === 200, `tools/call answered ${call.status}`);
    const body = await call.text();
    expect(body.includes(`${USER} (roles: [admin]`), `whoami answered ${body.slice(0, 200)}`);
  });
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  redirectServer.close();
}
finish(WHO);

function mcpHeaders(token) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

function initializeBody() {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {
    protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'browser-test', version: '1.0.0' } } });
}
