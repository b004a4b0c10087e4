// The official MCP conformance suite's authorization server scenarios (@modelcontextprotocol/conformance, its
// `authorization` command) against the OAuth proxy of one fastmcp-java example, with a real headless Chromium
// (playwright-core) in the part of the user: the suite prints an authorization URL and waits for the browser to
// reach its loopback callback; this driver opens that URL, approves on the proxy's consent page, signs in at the
// upstream identity provider, and then judges the suite's checks.json files.
//
// Steps: discovery from the MCP endpoint (401 -> protected resource metadata -> the issuer and its RFC 8414
// metadata) -> dynamic client registration of a public client (token_endpoint_auth_method none) whose redirect
// URI is the suite's callback -> the suite, with --url ISSUER --client-id ID --resource MCP_URL -p PORT -o DIR ->
// the browser through consent and sign-in to the callback -> the suite exits -> every check of every scenario
// must be SUCCESS (a WARNING, for instance client_id_metadata_document_supported missing, fails: the proxy
// advertises it), and the authorization response must carry iss.
//
// Run by .ci/conformance-as.sh, which starts the example (and its upstream) and sets:
//   AS_MCP_URL        the example's MCP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   AS_CHROMIUM       the Chromium executable
//   AS_OUT_DIR        where the suite's results (results/) and the screenshots go; must not exist or be empty
//   AS_SIGN_IN        how the upstream signs the user in: "devidp" (the development identity provider's page:
//                     a user name typed, a role ticked, submitted) or "auto" (an upstream that answers at once,
//                     oauth2-mock-server)
// Optional: AS_UPSTREAM_ORIGIN (the browser must pass through its /authorize), AS_LABEL (names the run in the
// output), AS_STEP_TIMEOUT_MS (default 20000), AS_TOTAL_TIMEOUT_MS (default 240000).
//
// Prints the suite's output (prefixed "suite| "), one PASS or FAIL line per check and a closing
// "N passed, N failed" line; exits 1 on any failure. Tokens and codes are never printed by this driver (the
// suite's checks.json holds its own, shortened, record). Only loopback addresses are contacted.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { checker, envReader, finish as printResultsAndExit, LOOPBACK, results, withTimeout } from '../lib/harness.mjs';

const requireEnv = envReader('as-conformance');

const MCP_URL = new URL(requireEnv('AS_MCP_URL'));
const CHROMIUM = requireEnv('AS_CHROMIUM');
const OUT_DIR = requireEnv('AS_OUT_DIR');
const SIGN_IN = requireEnv('AS_SIGN_IN');
const UPSTREAM_ORIGIN = process.env.AS_UPSTREAM_ORIGIN ? new URL(process.env.AS_UPSTREAM_ORIGIN).origin : null;
const LABEL = process.env.AS_LABEL || MCP_URL.href;
const STEP_TIMEOUT_MS = Number(process.env.AS_STEP_TIMEOUT_MS ?? 20000);
const TOTAL_TIMEOUT_MS = Number(process.env.AS_TOTAL_TIMEOUT_MS ?? 240000);
if (SIGN_IN !== 'devidp' && SIGN_IN !== 'auto') {
  console.error(`as-conformance: AS_SIGN_IN must be devidp or auto, was ${SIGN_IN}`);
  process.exit(2);
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SUITE_PACKAGE = join(HERE, 'node_modules', '@modelcontextprotocol', 'conformance');
const SUITE_CLI = join(SUITE_PACKAGE, 'dist', 'index.js');
const RESULTS_DIR = join(OUT_DIR, 'results');
const CLIENT_NAME = 'MCP conformance suite (authorization server scenarios)';
const USER = 'conformance-user';
// What each scenario of the pinned suite must report; every one SUCCESS.
const EXPECTED = {
  'authorization-server-metadata-endpoint': ['authorization-server-metadata', 'authorization-server-metadata-cimd'],
  'authorization-code-grant': ['authorization-code-grant'],
};

let suite = null; // the suite's child process, while it runs
let context = null; // the browser, while it runs
let profile = null;

// ------------------------------------------------------------------------------------------------ harness

const watchdog = setTimeout(() => {
  console.log(`FAIL  the run did not finish within ${TOTAL_TIMEOUT_MS} ms`);
  results.failed++;
  finish();
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

// Each step bounds itself (fetch, the browser's timeouts, withTimeout); the watchdog bounds the run.
const check = checker({ stepTimeoutMs: TOTAL_TIMEOUT_MS });

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function loopbackFetch(url, init = {}) {
  const target = new URL(url);
  expect(LOOPBACK.has(target.hostname), `refusing to contact ${target.origin}`);
  return fetch(target, { ...init, redirect: 'manual', signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
}

async function finish() {
  clearTimeout(watchdog);
  if (suite && suite.exitCode === null && suite.signalCode === null) {
    suite.kill('SIGTERM');
  }
  if (context) await context.close().catch(() => {});
  if (profile) rmSync(profile, { recursive: true, force: true });
  printResultsAndExit(`conformance-as ${LABEL}`);
}

/** A TCP port free on 127.0.0.1 just now, for the suite's callback server. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ----------------------------------------------------------------------------- discovery and registration

console.log(`as-conformance ${LABEL}: suite @modelcontextprotocol/conformance `
  + `${JSON.parse(readFileSync(join(SUITE_PACKAGE, 'package.json'), 'utf8')).version}, Node ${process.version}`);
expect(!existsSync(RESULTS_DIR) || readdirSync(RESULTS_DIR).length === 0, `${RESULTS_DIR} is not empty`);
mkdirSync(RESULTS_DIR, { recursive: true });

let issuer;
let metadata;
await check('discovery: 401 at the MCP endpoint, protected resource metadata, authorization server metadata', async () => {
  const r = await loopbackFetch(MCP_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {
      protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'as-conformance', version: '1.0.0' } } }),
  });
  expect(r.status === 401, `expected 401, got ${r.status}`);
  const header = r.headers.get('www-authenticate') ?? '';
  const prm = /resource_metadata="([^"]+)"/.exec(header)?.[1];
  expect(prm, `no resource_metadata in WWW-Authenticate: ${header}`);
  const resource = await (await loopbackFetch(prm)).json();
  expect(resource.resource === MCP_URL.href, `the protected resource is ${resource.resource}, not ${MCP_URL.href}`);
  issuer = resource.authorization_servers?.[0];
  expect(issuer, 'the protected resource metadata names no authorization server');
  const issuerUrl = new URL(issuer);
  const path = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname;
  const m = await loopbackFetch(`${issuerUrl.origin}/.well-known/oauth-authorization-server${path}`);
  expect(m.status === 200, `authorization server metadata: ${m.status}`);
  metadata = await m.json();
  expect(metadata.issuer === issuer, `metadata issuer ${metadata.issuer} differs from ${issuer}`);
  expect(metadata.registration_endpoint, 'the metadata names no registration_endpoint');
  return `issuer ${issuer}`;
});
if (!metadata) await finish();

const callbackPort = await freePort();
const REDIRECT_URI = `http://127.0.0.1:${callbackPort}/callback`;
let clientId;
await check('dynamic client registration: a public client with the suite\'s callback as redirect URI', async () => {
  const r = await loopbackFetch(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: CLIENT_NAME, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    }),
  });
  const text = await r.text();
  expect(r.status === 201, `expected 201, got ${r.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  clientId = body.client_id;
  expect(typeof clientId === 'string' && clientId, 'no client_id');
  expect(body.client_secret === undefined, 'a public client was given a client_secret');
  return `redirect URI ${REDIRECT_URI}`;
});
if (!clientId) await finish();

// -------------------------------------------------------------------------------------------- the suite

const args = [SUITE_CLI, 'authorization', '--url', issuer, '--client-id', clientId, '--resource', MCP_URL.href,
  '-p', String(callbackPort), '-o', RESULTS_DIR];
console.log(`suite: authorization --url ${issuer} --client-id <registered> --resource ${MCP_URL.href} `
  + `-p ${callbackPort} -o ${RESULTS_DIR}`);
suite = spawn(process.execPath, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
const suiteExit = new Promise((resolve) => suite.on('exit', (code, signal) => resolve({ code, signal })));
let resolveAuthorizationUrl;
const authorizationUrl = new Promise((resolve) => {
  resolveAuthorizationUrl = resolve;
});
createInterface({ input: suite.stdout }).on('line', (line) => {
  console.log(`suite| ${line}`);
  if (line.startsWith(`${metadata.authorization_endpoint}?`)) resolveAuthorizationUrl(new URL(line.trim()));
});
createInterface({ input: suite.stderr }).on('line', (line) => console.log(`suite| ${line}`));

let authorize;
await check('the suite prints an authorization URL for this client, with PKCE S256, state and the resource', async () => {
  authorize = await withTimeout(Promise.race([authorizationUrl,
    suiteExit.then(({ code, signal }) => { throw new Error(`the suite exited (${code ?? signal}) first`); })]),
  STEP_TIMEOUT_MS, 'no authorization URL from the suite');
  const q = authorize.searchParams;
  expect(q.get('client_id') === clientId, 'another client_id');
  expect(q.get('redirect_uri') === REDIRECT_URI, `redirect_uri ${q.get('redirect_uri')}`);
  expect(q.get('code_challenge_method') === 'S256' && q.get('code_challenge'), 'no S256 code challenge');
  expect(q.get('state'), 'no state');
  expect(q.get('resource') === MCP_URL.href, `resource ${q.get('resource')}`);
  return `${authorize.origin}${authorize.pathname}`;
});
if (!authorize) await finish();

// -------------------------------------------------------------------------------------------- the browser

mkdirSync(OUT_DIR, { recursive: true });
profile = mkdtempSync(join(tmpdir(), 'fastmcp-chromium-'));
context = await chromium.launchPersistentContext(profile, {
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
// Every page the browser is sent to, without query strings (they hold codes and states).
const hops = [];
page.on('request', (request) => {
  if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
    const u = new URL(request.url());
    hops.push(`${request.method()} ${u.origin}${u.pathname}`);
  }
});
const onCallback = (u) => u.href.startsWith(`${REDIRECT_URI}?`);

async function pageText() {
  return (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
}

let callback;
await check('consent page: the proxy names the registered client; approve', async () => {
  const response = await page.goto(authorize.href);
  expect(response.status() === 200, `expected 200, got ${response.status()}: ${await pageText()}`);
  const text = await page.locator('body').innerText();
  expect(text.includes(CLIENT_NAME), `the consent page does not name the client: ${await pageText()}`);
  await page.screenshot({ path: join(OUT_DIR, 'consent.png'), fullPage: true });
  await page.click('button[value="approve"]');
  return 'consent.png';
});

if (SIGN_IN === 'devidp') {
  await check('the development identity provider\'s sign-in page: type a user name, pick a role, sign in', async () => {
    await page.waitForURL((u) => u.pathname === '/authorize' && u.origin !== new URL(issuer).origin)
      .catch(async (error) => {
        throw new Error(`${error.message.split('\n')[0]}; the page at ${page.url().split('?')[0]} says: ${await pageText()}`);
      });
    const text = await page.locator('body').innerText();
    expect(text.includes('Development identity provider'), `not the sign-in page: ${await pageText()}`);
    await page.fill('#username', USER);
    await page.check('input[name="role"][value="user"]');
    await page.screenshot({ path: join(OUT_DIR, 'sign-in.png'), fullPage: true });
    const signInOrigin = new URL(page.url()).origin;
    await page.click('button[value="sign_in"]');
    return `${signInOrigin}, sign-in.png`;
  });
}

await check('the browser lands on the suite\'s callback with code, state and iss', async () => {
  await page.waitForURL(onCallback).catch(async (error) => {
    throw new Error(`${error.message.split('\n')[0]}; the page at ${page.url().split('?')[0]} says: ${await pageText()}; `
      + `hops: ${hops.join(' | ')}`);
  });
  callback = new URL(page.url());
  const q = callback.searchParams;
  expect(!q.has('error'), `error=${q.get('error')} ${q.get('error_description') ?? ''}`);
  expect(q.get('code'), 'no code');
  expect(q.get('state') === authorize.searchParams.get('state'), 'state differs');
  // The proxy advertises authorization_response_iss_parameter_supported; the suite checks iss only when present.
  expect(q.getAll('iss').length === 1 && q.get('iss') === issuer, `iss is ${q.getAll('iss').join(',') || 'missing'}`);
  await page.waitForLoadState('load').catch(() => {});
  expect((await pageText()).includes('OK'), `the suite's callback page says: ${await pageText()}`);
  if (UPSTREAM_ORIGIN) {
    expect(hops.some((h) => h === `GET ${UPSTREAM_ORIGIN}/authorize`),
      `the browser never went to the upstream's /authorize; hops: ${hops.join(' | ')}`);
  }
  return hops.map((h) => h.replace(/^GET /, '')).join(' -> ');
});

await context.close().catch(() => {});
context = null;
rmSync(profile, { recursive: true, force: true });
profile = null;

// --------------------------------------------------------------------------------- the suite's verdict

let exit;
await check('the suite exits 0 (no failed check) after exchanging the code', async () => {
  exit = await withTimeout(suiteExit, callback ? STEP_TIMEOUT_MS : 1, 'the suite did not exit');
  expect(exit.code === 0, `exit ${exit.code ?? exit.signal}`);
});

// checks.json per scenario, in RESULTS_DIR/authorization-server-<scenario>-<timestamp>/.
const dirs = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : [];
for (const [scenario, ids] of Object.entries(EXPECTED)) {
  const matching = dirs.filter((d) => d.startsWith(`authorization-server-${scenario}-`)
    && /^\d{4}-\d{2}-\d{2}T/.test(d.slice(`authorization-server-${scenario}-`.length)));
  let checks = [];
  await check(`${scenario}: one checks.json`, async () => {
    expect(matching.length === 1, `${matching.length} result directories for it in ${RESULTS_DIR}`);
    checks = JSON.parse(readFileSync(join(RESULTS_DIR, matching[0], 'checks.json'), 'utf8'));
    expect(Array.isArray(checks) && checks.length > 0, 'no checks');
    return `${matching[0]}/checks.json`;
  });
  for (const id of ids) {
    if (!checks.some((c) => c.id === id)) {
      await check(`${scenario}: ${id}`, async () => expect(false, 'not reported'));
    }
  }
  for (const c of checks) {
    await check(`${scenario}: ${c.id}`, async () => {
      expect(c.status === 'SUCCESS', `${c.status}${c.errorMessage ? `: ${c.errorMessage}` : ''}`);
      return c.status;
    });
  }
}
const unknown = dirs.filter((d) => !Object.keys(EXPECTED).some((s) => d.startsWith(`authorization-server-${s}-`)));
if (unknown.length > 0) {
  await check('no scenario this driver does not know', async () => expect(false, unknown.join(', ')));
}
await finish();
