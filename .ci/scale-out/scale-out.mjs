// Scale-out test: several instances of the fastmcp-java "oauth-interop" example, sharing one Redis and their MCP sessions,
// behind a round-robin load balancer (balancer.mjs). The official TypeScript MCP SDK client signs in through the
// balancer, its requests spread over the instances; then one instance is killed mid-flow, a grant is revoked, and
// Redis goes away and comes back empty. A fetch-based headless browser in this file approves on the consent page.
//
// Run by .ci/scale-out.sh, which starts redis-server, the upstream provider (.ci/oauth-interop/upstream.mjs),
// the instances and the balancer, and sets:
//   SCALE_OUT_URL              the balancer's origin, the instances' FASTMCP_BASE_URL (http://127.0.0.1:PORT)
//   SCALE_OUT_INSTANCES        the instances, comma-separated NAME=PORT=PID (as the balancer names them)
//   SCALE_OUT_LOG_DIR          where each instance logs, to server-NAME.log
//   SCALE_OUT_UPSTREAM_ISSUER  the upstream provider's issuer
//   SCALE_OUT_REDIS_SERVER, SCALE_OUT_REDIS_PORT, SCALE_OUT_REDIS_PIDFILE, SCALE_OUT_REDIS_LOG
//                              the redis-server binary, its port, the pid file it writes, its log: this test stops
//                              it and starts it again on the same port (empty: no persistence)
//   SCALE_OUT_REDIS_PREFIX     the instances' REDIS_KEY_PREFIX (their invalidation channel is PREFIXinvalidate)
// Optional: SCALE_OUT_UPSTREAM_SUBJECT (default oauth-interop-user), SCALE_OUT_STEP_TIMEOUT_MS (default 20000),
//           SCALE_OUT_TOTAL_TIMEOUT_MS (default 240000), SCALE_OUT_RACE_ROUNDS (codes raced at every instance,
//           default 5).
//
// Flow: (a) every instance names the balancer's URL as its own; requests go round robin; one subscription per
// instance to the storage's invalidation channel. (b) connect without tokens: the SDK registers, the browser
// approves, code and tokens (those steps not all on one instance); the tools on every instance; a refresh. (c) an
// SSE stream (subscriptions/listen of MCP 2026-07-28) flows through the balancer; a task (tasks extension) created
// at one instance is polled at the others until it completes, and one cancelled through the balancer reads cancelled
// at every instance. (d) one code redeemed at every
// instance at once, several rounds: one winner each. (e) a sign-in reaches the consent page, the instance that
// served it is killed (SIGKILL), the sign-in finishes at the others; the SDK client goes on; another refresh.
// (f) the grant is revoked through the balancer: its access token, accepted by each remaining instance before,
// is refused by each after (asked directly). (g) redis-server stopped: 503 with Retry-After, one log line per
// instance; started again, empty: each instance recovers by itself and a new sign-in works. (h) no two consecutive
// requests through the balancer on one instance.
//
// Prints one PASS or FAIL line per check, the instances that served each step, and a closing count; exits 1 on
// any failure. Tokens, codes and cookies never appear: they show as <secret:FINGERPRINT>. A guard on the global
// fetch refuses every non-loopback address.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, readFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  UnauthorizedError,
  auth,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { ElicitRequestSchema, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import {
  attributes, bodyExcerpt, checker, describe, envReader, fingerprint, finish, guardFetch, jsonBody, packageVersion,
  redact, rejection, secret, section, startWatchdog,
} from '../lib/harness.mjs';

// ------------------------------------------------------------------------------------------- configuration

const requireEnv = envReader('scale-out');

const BALANCER = new URL(requireEnv('SCALE_OUT_URL'));
const MCP_URL = new URL('/mcp', BALANCER);
const INSTANCES = requireEnv('SCALE_OUT_INSTANCES').split(',').map((entry) => {
  const [name, port, pid] = entry.split('=');
  return { name, port: Number(port), pid: Number(pid), origin: `http://127.0.0.1:${port}`, stopped: false };
});
const LOG_DIR = requireEnv('SCALE_OUT_LOG_DIR');
const UPSTREAM = new URL(requireEnv('SCALE_OUT_UPSTREAM_ISSUER'));
const UPSTREAM_SUBJECT = process.env.SCALE_OUT_UPSTREAM_SUBJECT || 'oauth-interop-user';
const REDIS_SERVER = requireEnv('SCALE_OUT_REDIS_SERVER');
const REDIS_PORT = Number(requireEnv('SCALE_OUT_REDIS_PORT'));
const REDIS_PIDFILE = requireEnv('SCALE_OUT_REDIS_PIDFILE');
const REDIS_LOG = requireEnv('SCALE_OUT_REDIS_LOG');
const REDIS_PREFIX = requireEnv('SCALE_OUT_REDIS_PREFIX');
// The channel every instance subscribes to, to hear the others' changes (RedisTokenStorage's invalidations).
const INVALIDATION_CHANNEL = `${REDIS_PREFIX}invalidate`;
const STEP_TIMEOUT_MS = Number(process.env.SCALE_OUT_STEP_TIMEOUT_MS ?? 20000);
const TOTAL_TIMEOUT_MS = Number(process.env.SCALE_OUT_TOTAL_TIMEOUT_MS ?? 240000);

// Never listened on: the browser stops at the first redirect to it and hands the code to the app.
const REDIRECT_URL = 'http://127.0.0.1:33419/scale-out/callback';
const TOOLS = ['countdown', 'echo', 'greet', 'whoami', 'write-note'];
const MODERN_VERSION = '2026-07-28';
// The server's line when its storage loses Redis, and when Redis is back (RedisTokenStorage's Outage).
const UNREACHABLE_LINE = /Redis at \S+ is unreachable \(/;
const REACHABLE_LINE = /Redis at \S+ is reachable again/;

startWatchdog(TOTAL_TIMEOUT_MS, 'the scale-out run');

// ------------------------------------------------------------------------- network guard and request trace

// Every request of this process: { method, origin, path, status, servedBy, number, skipped }; servedBy, number
// (the balancer's count) and skipped (instances that refused it first) only for those that went through the
// balancer.
const trace = [];

guardFetch('scale-out', STEP_TIMEOUT_MS, (method, url) => {
  const entry = { method, origin: url.origin, path: url.pathname };
  trace.push(entry);
  return (response, error) => {
    if (!response) {
      entry.status = error.name;
      return;
    }
    entry.status = response.status;
    entry.servedBy = response.headers.get('x-served-by') ?? undefined;
    entry.skipped = response.headers.get('x-balancer-skipped') ?? undefined;
    const number = Number(response.headers.get('x-balancer-request'));
    entry.number = Number.isInteger(number) && number > 0 ? number : undefined;
  };
});

function line(entry) {
  return `${entry.method} ${entry.path}${entry.servedBy ? ` @${entry.servedBy}` : ''} -> ${entry.status}`;
}

/** The requests that went through the balancer, from trace index `from` on. */
function balanced(from = 0) {
  return trace.slice(from).filter((e) => e.origin === BALANCER.origin && e.servedBy);
}

/** "instance-1: 4, instance-2: 3, ..." for the balanced requests from `from` on. */
function spread(from = 0) {
  const counts = new Map(INSTANCES.map((i) => [i.name, 0]));
  for (const e of balanced(from)) counts.set(e.servedBy, (counts.get(e.servedBy) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name}: ${n}`).join(', ');
}

// ------------------------------------------------------------------------------------------ test harness

const timings = [];

/** Runs one check, bounded by the step timeout (or `ms`); prints PASS or FAIL with the requests it made. */
const check = checker({
  stepTimeoutMs: STEP_TIMEOUT_MS,
  mark: () => trace.length,
  requestsSince: (start) => trace.slice(start).slice(-30).map(line),
  timed: (name, ms) => timings.push({ name, ms }),
});

function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

// -------------------------------------------------------------------------------------- headless browser

/** The consent form of a page (the form with a transaction_id field): action, fields, buttons. */
function consentForm(html) {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const fields = [];
    const buttons = [];
    for (const input of m[2].matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const a = attributes(input[2]);
      if (!a.name) continue;
      const type = (a.type ?? (input[1].toLowerCase() === 'button' ? 'submit' : 'text')).toLowerCase();
      (type === 'submit' ? buttons : fields).push([a.name, a.value ?? '']);
    }
    if (fields.some(([name]) => name === 'transaction_id')) {
      return { action: attributes(m[1]).action ?? '', fields, buttons };
    }
  }
  return undefined;
}

/** A user agent: cookies per host name (ports ignored, as browsers do), redirects followed by hand. */
class Browser {
  constructor(name) {
    this.name = name;
    this.cookies = new Map(); // "host name" -> Map(name -> value)
  }

  storeCookies(response, url) {
    const jar = this.cookies.get(url.hostname) ?? new Map();
    this.cookies.set(url.hostname, jar);
    for (const header of response.headers.getSetCookie?.() ?? []) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = pair.slice(eq + 1);
      secret(value);
      const expired = attrs.some((a) => /^max-age=(0|-)/i.test(a));
      if (expired || value === '') jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), value);
    }
  }

  cookieHeader(url) {
    return [...(this.cookies.get(url.hostname) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /**
   * One request, then every redirect, until a redirect to the app (returned, not fetched) or an HTML page.
   * Returns { kind: 'redirect' | 'page', url, html?, hops } where hops are the trace entries of the navigation.
   */
  async navigate(start, { method = 'GET', form, initiator } = {}) {
    let url = new URL(start);
    const from = trace.length;
    for (let hop = 0; hop < 20; hop++) {
      const headers = {
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'user-agent': 'fastmcp-scale-out-headless-browser',
      };
      const cookie = this.cookieHeader(url);
      if (cookie) headers.cookie = cookie;
      let body;
      if (method === 'POST') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers.origin = initiator;
        headers['sec-fetch-site'] = new URL(initiator).origin === url.origin ? 'same-origin' : 'cross-site';
        body = new URLSearchParams(form).toString();
      }
      const response = await globalThis.fetch(url, { method, headers, body, redirect: 'manual' });
      this.storeCookies(response, url);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        if (next.href.startsWith(REDIRECT_URL)) {
          for (const name of ['code', 'state']) if (next.searchParams.get(name)) secret(next.searchParams.get(name));
          return { kind: 'redirect', url: next, hops: trace.slice(from) };
        }
        method = 'GET';
        form = undefined;
        url = next;
        continue;
      }
      const type = response.headers.get('content-type') ?? '';
      if (response.status === 200 && /^text\/html/i.test(type)) {
        return { kind: 'page', url, html: await response.text(), hops: trace.slice(from) };
      }
      throw new Error(`${this.name}: navigation stopped at ${method} ${url.origin}${url.pathname}: HTTP `
        + `${response.status} ${type} ${await bodyExcerpt(response)}\n  hops: ${trace.slice(from).map(line).join(' | ')}`);
    }
    throw new Error(`${this.name}: more than 20 redirects`);
  }

  /** Approves on a consent page: submits its form with action=approve, follows the redirects. */
  async approve(page) {
    const form = consentForm(page.html);
    assert.ok(form, `no consent form on the page at ${page.url.pathname}`);
    for (const [, value] of form.fields) secret(value);
    assert.ok(form.buttons.some(([n, v]) => n === 'action' && v === 'approve'), 'no approve button');
    return this.navigate(new URL(form.action || page.url.href, page.url), {
      method: 'POST', form: [...form.fields, ['action', 'approve']], initiator: page.url.origin,
    });
  }

  /** The whole sign-in in the browser: authorize, consent (approved), the upstream, the callback; the redirect. */
  async signIn(authorizationUrl) {
    let result = await this.navigate(authorizationUrl);
    const hops = [...result.hops];
    let consentShown = false;
    if (result.kind === 'page') {
      consentShown = true;
      result = await this.approve(result);
      hops.push(...result.hops);
    }
    assert.equal(result.kind, 'redirect', `an HTML page at ${result.url.pathname} instead of the redirect to the app`);
    const error = result.url.searchParams.get('error');
    assert.equal(error, null, `the redirect to the app carries error=${error}`);
    const code = result.url.searchParams.get('code');
    assert.ok(code, 'no code in the redirect to the app');
    return { code, state: result.url.searchParams.get('state'), hops, consentShown };
  }
}

// --------------------------------------------------------------------------------------- OAuth provider

/** An OAuthClientProvider of a dynamically registered public client, signing in with its own Browser. */
class HeadlessProvider {
  constructor(name) {
    this.browser = new Browser(name);
    this._client = undefined;
    this._tokens = undefined;
    this._verifier = undefined;
    this.flows = [];
  }
  get redirectUrl() { return REDIRECT_URL; }
  get clientMetadata() {
    return {
      client_name: 'fastmcp-scale-out',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() { return `st-${fingerprint(Math.random())}`; }
  clientInformation() { return this._client; }
  saveClientInformation(info) { this._client = info; }
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
    if (scope === 'all' || scope === 'verifier') this._verifier = undefined;
  }
  async redirectToAuthorization(url) {
    const flow = { authorizationUrl: new URL(url.href) };
    this.flows.push(flow);
    try {
      Object.assign(flow, await this.browser.signIn(url));
    } catch (error) {
      flow.failure = error;
    }
  }
  lastFlow() { return this.flows[this.flows.length - 1]; }
}

// ------------------------------------------------------------------------------------------------ helpers

function newClient() {
  const client = new Client({ name: 'fastmcp-scale-out', version: '1.0.0' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
  return client;
}

function newTransport(provider) {
  return new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider });
}

function text(result) {
  assert.ok(!result.isError, `tool returned isError: ${redact(JSON.stringify(result.content))}`);
  const first = result.content?.[0];
  assert.equal(first?.type, 'text', `expected text content, got ${redact(JSON.stringify(result.content))}`);
  return first.text;
}

async function callTool(client, name, args = {}) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: STEP_TIMEOUT_MS });
}

/** A raw MCP initialize at `origin` (an instance, or the balancer) with a bearer token. */
function initializeAt(origin, token) {
  return globalThis.fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'scale-out-raw', version: '1' } },
    }),
  });
}

/** A form POST to an OAuth endpoint of `origin` as the public client `clientId`. */
function oauthPost(origin, path, params, clientId) {
  return globalThis.fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...params, client_id: clientId }).toString(),
  });
}

function live() {
  return INSTANCES.filter((i) => !i.stopped);
}

/** Whether 127.0.0.1:port accepts a TCP connection (within 1 s). */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until 127.0.0.1:port accepts connections (`up`) or refuses them; returns the milliseconds it took. */
async function waitPort(port, up, ms) {
  const started = performance.now();
  while (await accepts(port) !== up) {
    if (performance.now() - started > ms) throw new Error(`port ${port} still ${up ? 'refuses' : 'accepts'} connections after ${ms} ms`);
    await sleep(50);
  }
  return Math.round(performance.now() - started);
}

/** One command to redis-server on a connection of its own (RESP2); its reply: a string, number, array or null. */
function redisCommand(...args) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: REDIS_PORT });
    let buffer = Buffer.alloc(0);
    socket.setTimeout(2000, () => { socket.destroy(); reject(new Error(`redis ${args[0]}: no answer within 2 s`)); });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseResp(buffer, 0);
      if (parsed) {
        socket.destroy();
        if (parsed.value instanceof Error) reject(parsed.value);
        else resolve(parsed.value);
      }
    });
  });
}

/** A RESP2 reply at `at` in `buffer`: { value, end }, or undefined while incomplete. */
function parseResp(buffer, at) {
  const eol = buffer.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buffer[at]);
  const head = buffer.toString('utf8', at + 1, eol);
  if (type === '+') return { value: head, end: eol + 2 };
  if (type === '-') return { value: new Error(`redis: ${head}`), end: eol + 2 };
  if (type === ':') return { value: Number(head), end: eol + 2 };
  if (type === '$') {
    const length = Number(head);
    if (length < 0) return { value: null, end: eol + 2 };
    if (buffer.length < eol + 2 + length + 2) return undefined;
    return { value: buffer.toString('utf8', eol + 2, eol + 2 + length), end: eol + 2 + length + 2 };
  }
  if (type === '*') {
    const items = [];
    let end = eol + 2;
    for (let i = 0; i < Number(head); i++) {
      const item = parseResp(buffer, end);
      if (!item) return undefined;
      items.push(item.value);
      end = item.end;
    }
    return { value: items, end };
  }
  return { value: new Error(`redis: unexpected reply type ${type}`), end: buffer.length };
}

/** How many connections are subscribed to the invalidation channel (PUBSUB NUMSUB). */
async function subscribers() {
  const reply = await redisCommand('PUBSUB', 'NUMSUB', INVALIDATION_CHANNEL);
  return Number(reply[1]);
}

/**
 * Waits (up to `ms`) until exactly one connection per live instance listens on the invalidation channel. More is a
 * subscribed connection that no longer listens for its instance (its messages land elsewhere), fewer an instance
 * that hears no change.
 */
async function checkSubscribers(ms = 10000) {
  const started = performance.now();
  let count;
  for (;;) {
    count = await subscribers();
    if (count >= live().length || performance.now() - started > ms) break;
    await sleep(100);
  }
  assert.ok(count <= live().length, `${count} connections subscribed to ${INVALIDATION_CHANNEL} for `
    + `${live().length} live instances: a connection left subscribed after its instance stopped listening on it `
    + '(back in its pool, it reads the channel\'s messages as the replies of other commands)');
  assert.equal(count, live().length, `${count} connections subscribed to ${INVALIDATION_CHANNEL} for `
    + `${live().length} live instances: an instance that hears no change`);
  return `${count} subscribed to ${INVALIDATION_CHANNEL}`;
}

function serverLog(instance) {
  return readFileSync(`${LOG_DIR}/server-${instance.name}.log`, 'utf8');
}

function countLines(instance, pattern) {
  return serverLog(instance).split('\n').filter((l) => pattern.test(l)).length;
}

/** The authorization request of a registered client, as the SDK builds it; the PKCE verifier with it. */
async function authorizationRequest(asMetadata, clientInformation, scope) {
  const { authorizationUrl, codeVerifier } = await startAuthorization(BALANCER, {
    metadata: asMetadata, clientInformation, redirectUrl: REDIRECT_URL, scope,
    state: `st-${fingerprint(Math.random())}`, resource: MCP_URL,
  });
  secret(codeVerifier);
  return { authorizationUrl, codeVerifier };
}

/** The OAuth steps of a sign-in among trace entries: register, authorize, consent, callback, token. */
function signInSteps(entries) {
  const steps = [];
  for (const e of entries) {
    if (e.origin !== BALANCER.origin) continue;
    const step = { '/oauth/register': 'register', '/oauth/authorize': 'authorize', '/oauth/consent': 'consent',
      '/oauth/callback': 'callback', '/oauth/token': 'token' }[e.path];
    if (step) steps.push({ step, servedBy: e.servedBy, status: e.status });
  }
  return steps;
}

// ------------------------------------------------------------------------------------------------ checks

console.log(`scale-out: @modelcontextprotocol/sdk ${packageVersion(import.meta.url, '@modelcontextprotocol/sdk')}, Node ${process.version}`);
console.log(`scale-out: balancer ${BALANCER.origin}, instances ${INSTANCES.map((i) => `${i.name} ${i.origin}`).join(', ')}`);
const runStarted = performance.now();

section('(a) the instances behind the balancer: one public URL, strict round robin');

await check('each instance answers /health directly', async () => {
  for (const instance of INSTANCES) {
    const response = await globalThis.fetch(`${instance.origin}/health`);
    await response.text();
    assert.equal(response.status, 200, `${instance.name}: HTTP ${response.status}`);
  }
});

let prm;
let asMetadata;
await check('each instance names the balancer\'s URL: protected resource and authorization server metadata', async () => {
  for (const instance of INSTANCES) {
    const response = await globalThis.fetch(`${instance.origin}/.well-known/oauth-protected-resource/mcp`);
    const body = await jsonBody(response);
    assert.equal(response.status, 200, `${instance.name}: HTTP ${response.status}`);
    assert.equal(body.resource, MCP_URL.href, `${instance.name}: resource`);
  }
  prm = await discoverOAuthProtectedResourceMetadata(MCP_URL);
  asMetadata = await discoverAuthorizationServerMetadata(new URL(prm.authorization_servers[0]));
  assert.equal(asMetadata.issuer.replace(/\/$/, ''), BALANCER.origin, 'issuer');
  assert.equal(new URL(asMetadata.token_endpoint).origin, BALANCER.origin, 'token_endpoint');
  return `resource ${prm.resource}, issuer ${asMetadata.issuer}`;
});

await check('six requests through the balancer: every instance served two, never twice in a row', async () => {
  const from = trace.length;
  for (let i = 0; i < 6; i++) {
    const response = await globalThis.fetch(new URL('/.well-known/oauth-authorization-server', BALANCER));
    await response.text();
    assert.equal(response.status, 200);
  }
  const served = balanced(from).map((e) => e.servedBy);
  assert.equal(served.length, 6, 'responses without X-Served-By');
  for (const instance of INSTANCES) {
    assert.equal(served.filter((s) => s === instance.name).length, 2, `${instance.name}: ${served.join(' ')}`);
  }
  for (let i = 1; i < served.length; i++) assert.notEqual(served[i], served[i - 1], served.join(' '));
  return served.join(' ');
});

await check('one subscription per instance to the invalidation channel', () => checkSubscribers());

section('(b) the SDK signs in through the balancer: registration, consent, upstream, callback, token');

const provider = new HeadlessProvider('browser-1');
let signInFrom;
await check('connect() without tokens: registers (DCR), the browser approves, UnauthorizedError', async () => {
  signInFrom = trace.length;
  const client = newClient();
  const error = await rejection(client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS }), 'connect');
  await client.close().catch(() => {});
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  assert.ok(provider.clientInformation()?.client_id, 'no client registered');
  const flow = provider.lastFlow();
  assert.ok(flow, 'the SDK never sent the browser to authorize');
  if (flow.failure) throw flow.failure;
  assert.ok(flow.consentShown, 'no consent page');
  assert.ok(flow.hops.some((e) => e.origin === UPSTREAM.origin && e.path === '/authorize'), 'the browser never went upstream');
  return `client_id=${secret(provider.clientInformation().client_id)}`;
});

await check('finishAuth(code): the code is exchanged through the balancer', async () => {
  const flow = provider.lastFlow();
  assert.ok(flow?.code, 'no code');
  await newTransport(provider).finishAuth(flow.code);
  assert.ok(provider.tokens()?.access_token && provider.tokens().refresh_token, 'no access and refresh token');
  return `access=${secret(provider.tokens().access_token)} refresh=${secret(provider.tokens().refresh_token)}`;
});

await check('register, authorize, consent, callback and token did not all hit one instance', async () => {
  const steps = signInSteps(trace.slice(signInFrom));
  for (const step of ['register', 'authorize', 'consent', 'callback', 'token']) {
    assert.ok(steps.some((s) => s.step === step), `no ${step} request through the balancer: ${JSON.stringify(steps)}`);
  }
  const instances = new Set(steps.map((s) => s.servedBy));
  assert.ok(instances.size >= 2, `all on ${[...instances]}`);
  return steps.map((s) => `${s.step}@${s.servedBy}`).join(' ');
});

const session = { client: undefined };
await check('connect with the tokens, listTools, whoami and echo: answered by every instance in turn', async () => {
  const from = trace.length;
  session.client = newClient();
  session.transport = newTransport(provider);
  await session.client.connect(session.transport, { timeout: STEP_TIMEOUT_MS });
  const sessionId = session.transport.sessionId;
  assert.ok(sessionId, 'the server gave an Mcp-Session-Id: a stateful session of MCP 2025-11-25');
  const { tools } = await session.client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
  assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  for (let i = 0; i < 3; i++) {
    assert.equal(text(await callTool(session.client, 'whoami')), UPSTREAM_SUBJECT);
    assert.equal(text(await callTool(session.client, 'echo', { text: `round ${i}` })), `round ${i}`);
  }
  const mcp = balanced(from).filter((e) => e.path === '/mcp');
  const seen = new Set(mcp.map((e) => e.servedBy));
  assert.equal(seen.size, INSTANCES.length, `MCP requests only on ${[...seen]}`);
  assert.equal(session.transport.sessionId, sessionId, 'one session throughout, served by every instance');
  return `${mcp.length} MCP requests in one session: ${spread(from)}`;
});

await check('an elicitation of the shared session: asked by one instance, answered through another', async () => {
  const from = trace.length;
  const greeting = text(await callTool(session.client, 'greet'));
  assert.equal(greeting, `Hello, Ada (${UPSTREAM_SUBJECT})`);
  const mcp = balanced(from).filter((e) => e.path === '/mcp');
  const seen = new Set(mcp.map((e) => e.servedBy));
  assert.ok(seen.size >= 2, `the call and the answer on one instance only: ${[...seen]}`);
  return `${mcp.length} MCP requests: ${spread(from)}`;
});

/** The first sign-in's tokens; fails (rather than throwing a TypeError) when that sign-in failed. */
function signedIn() {
  assert.ok(provider.tokens()?.access_token && provider.clientInformation()?.client_id,
    'not signed in: the sign-in of (b) failed');
  return provider.tokens();
}

let refreshCount = 0;
/** Refreshes the provider's tokens with the SDK's auth(); returns a description. */
async function refresh(p) {
  const before = p.tokens();
  assert.ok(before?.refresh_token, 'no refresh token: an earlier sign-in failed');
  const flowsBefore = p.flows.length;
  const from = trace.length;
  const result = await auth(p, { serverUrl: MCP_URL });
  assert.equal(result, 'AUTHORIZED');
  assert.equal(p.flows.length, flowsBefore, 'auth() sent the browser to authorize instead of refreshing');
  const after = p.tokens();
  assert.ok(after.access_token !== before.access_token, 'the access token did not change');
  assert.ok(after.refresh_token && after.refresh_token !== before.refresh_token, 'the refresh token was not rotated');
  refreshCount++;
  const token = balanced(from).find((e) => e.path === '/oauth/token');
  return `refresh ${secret(before.refresh_token)} -> ${secret(after.refresh_token)} at ${token?.servedBy}`;
}

await check('refresh through the balancer: a new access token, the refresh token rotated; the new token works', async () => {
  const detail = await refresh(provider);
  assert.equal(text(await callTool(session.client, 'whoami')), UPSTREAM_SUBJECT);
  return detail;
});

section('(c) an SSE stream through the balancer: subscriptions/listen of MCP 2026-07-28');

await check('the acknowledgment arrives while the stream stays open', async () => {
  signedIn();
  const controller = new AbortController();
  const response = await globalThis.fetch(MCP_URL, {
    method: 'POST',
    signal: controller.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${provider.tokens().access_token}`,
      'mcp-protocol-version': MODERN_VERSION,
      'mcp-method': 'subscriptions/listen',
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id: 'listen-1', method: 'subscriptions/listen',
      params: {
        notifications: { toolsListChanged: true },
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'scale-out-listen', version: '1' },
        },
      },
    }),
  });
  try {
    assert.equal(response.status, 200, `HTTP ${response.status}: ${response.status === 200 ? '' : await bodyExcerpt(response)}`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    let ack;
    while (!ack) {
      const { value, done } = await reader.read();
      assert.ok(!done, `the stream ended before the acknowledgment: ${buffered}`);
      buffered += decoder.decode(value, { stream: true });
      const data = /^data: ?(.*)$/m.exec(buffered);
      if (data && buffered.includes('\n\n')) ack = JSON.parse(data[1]);
    }
    assert.equal(ack.method, 'notifications/subscriptions/acknowledged', JSON.stringify(ack));
    // Still open: nothing more within half a second, and no end of the stream.
    const more = await Promise.race([reader.read().then((r) => (r.done ? 'ended' : 'data')), sleep(500).then(() => 'open')]);
    assert.notEqual(more, 'ended', 'the stream ended after the acknowledgment');
    return `acknowledged by ${response.headers.get('x-served-by')}, stream ${more === 'open' ? 'still open' : 'open, more data'}`;
  } finally {
    controller.abort();
  }
});

section('(c2) a task of the tasks extension (MCP 2026-07-28) through the balancer');

const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
let modernIds = 0;

/** One MCP 2026-07-28 request through the balancer, declaring the tasks extension: its result and who served it. */
async function modern(method, params, name) {
  const response = await globalThis.fetch(MCP_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${provider.tokens().access_token}`,
      'mcp-protocol-version': MODERN_VERSION,
      'mcp-method': method,
      ...(name ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id: `task-${++modernIds}`, method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
          'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS_EXTENSION]: {} } },
          'io.modelcontextprotocol/clientInfo': { name: 'scale-out-tasks', version: '1' },
        },
      },
    }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, `${method}: HTTP ${response.status}: ${body.slice(0, 300)}`);
  const message = JSON.parse(body);
  assert.ok(message.result, `${method}: no result: ${body.slice(0, 300)}`);
  return { result: message.result, servedBy: response.headers.get('x-served-by') };
}

/** tasks/get through the balancer until the task has `status`, each poll at the next instance. */
async function awaitTask(taskId, status, servedBy) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const { result, servedBy: at } = await modern('tasks/get', { taskId }, taskId);
    servedBy.add(at);
    if (result.status === status) return result;
    assert.ok(Date.now() < deadline, `task still ${result.status} (${result.statusMessage ?? ''}), not ${status}`);
    await sleep(200);
  }
}

await check('a task created at one instance is polled at every instance and completes', async () => {
  signedIn();
  const created = await modern('tools/call', { name: 'countdown', arguments: { seconds: 2 } }, 'countdown');
  assert.equal(created.result.resultType, 'task', JSON.stringify(created.result));
  const servedBy = new Set();
  const done = await awaitTask(created.result.taskId, 'completed', servedBy);
  assert.equal(text(done.result), `liftoff for ${UPSTREAM_SUBJECT}`);
  assert.ok(servedBy.size >= 2, `polls reached one instance only: ${[...servedBy]}`);
  return `created @${created.servedBy}, polled @${[...servedBy].sort().join(', ')}: completed`;
});

await check('a task cancelled through the balancer stops where it runs and reads cancelled at every instance', async () => {
  signedIn();
  const created = await modern('tools/call', { name: 'countdown', arguments: { seconds: 60 } }, 'countdown');
  const taskId = created.result.taskId;
  const cancel = await modern('tasks/cancel', { taskId }, taskId);
  const statuses = [];
  for (const instance of live()) {
    const response = await globalThis.fetch(new URL('/mcp', instance.origin), {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json, text/event-stream',
        authorization: `Bearer ${provider.tokens().access_token}`,
        'mcp-protocol-version': MODERN_VERSION, 'mcp-method': 'tasks/get', 'mcp-name': taskId,
      },
      body: JSON.stringify({
        jsonrpc: '2.0', id: `direct-${instance.name}`, method: 'tasks/get',
        params: {
          taskId,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
            'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS_EXTENSION]: {} } },
            'io.modelcontextprotocol/clientInfo': { name: 'scale-out-tasks', version: '1' },
          },
        },
      }),
    });
    const status = (await response.json()).result?.status;
    assert.equal(status, 'cancelled', `${instance.name} reads the task as ${status}`);
    statuses.push(`${instance.name}: ${status}`);
  }
  return `created @${created.servedBy}, cancelled @${cancel.servedBy}; ${statuses.join(', ')}`;
});

section('(d) one authorization code redeemed at the three instances at once');

const RACE_ROUNDS = Number(process.env.SCALE_OUT_RACE_ROUNDS ?? 5);
const raceOutcomes = [];
for (let round = 1; round <= RACE_ROUNDS; round++) {
  await check(`round ${round}: one code at every instance at once: exactly one 200, the others 400 invalid_grant`, async () => {
    signedIn();
    assert.equal(live().length, INSTANCES.length, 'an instance is already stopped');
    const { authorizationUrl, codeVerifier } = await authorizationRequest(asMetadata, provider.clientInformation(),
      prm.scopes_supported?.join(' '));
    const { code } = await new Browser(`browser-race-${round}`).signIn(authorizationUrl);
    const params = { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: REDIRECT_URL,
      resource: MCP_URL.href };
    const answers = await Promise.all(INSTANCES.map(async (instance) => {
      const response = await oauthPost(instance.origin, '/oauth/token', params, provider.clientInformation().client_id);
      const body = await jsonBody(response);
      if (body.access_token) secret(body.access_token);
      if (body.refresh_token) secret(body.refresh_token);
      return { instance: instance.name, status: response.status, body };
    }));
    const summary = answers.map((a) => `${a.instance} ${a.status}${a.body.error ? ` ${a.body.error}: ${a.body.error_description}` : ''}`).join(', ');
    const winners = answers.filter((a) => a.status === 200);
    let after = '';
    if (winners.length === 1) {
      const response = await initializeAt(BALANCER.origin, winners[0].body.access_token);
      await response.text();
      after = ` ; the winner's token afterwards: ${response.status}`;
    }
    raceOutcomes.push(summary + after);
    assert.equal(winners.length, 1, summary);
    for (const loser of answers.filter((a) => a.status !== 200)) {
      assert.equal(loser.status, 400, `${loser.instance}: HTTP ${loser.status} ${redact(JSON.stringify(loser.body))}`);
      assert.equal(loser.body.error, 'invalid_grant', `${loser.instance}: ${redact(JSON.stringify(loser.body))}`);
    }
    return summary + after;
  });
}

await check('still one subscription per instance to the invalidation channel', () => checkSubscribers(2000));

section('(e) an instance is killed in the middle of a sign-in; everything carries on');

let victim;
let midFlow;
let midFlowTokens; // valid until Redis loses its data in (g)
await check('a new sign-in reaches the consent page; the instance that served its authorize request is killed', async () => {
  signedIn();
  const client = provider.clientInformation();
  const { authorizationUrl, codeVerifier } = await authorizationRequest(asMetadata, client, prm.scopes_supported?.join(' '));
  const browser = new Browser('browser-midflow');
  const page = await browser.navigate(authorizationUrl);
  assert.equal(page.kind, 'page', 'no consent page');
  const authorize = page.hops.find((e) => e.path === '/oauth/authorize');
  victim = INSTANCES.find((i) => i.name === authorize?.servedBy);
  assert.ok(victim, `no instance served the authorize request: ${page.hops.map(line).join(' | ')}`);
  process.kill(victim.pid, 'SIGKILL');
  victim.stopped = true;
  const ms = await waitPort(victim.port, false, 10000);
  midFlow = { browser, page, codeVerifier };
  return `${victim.name} (pid ${victim.pid}) killed with SIGKILL; its port refused connections after ${ms} ms`;
});

await check('the sign-in carries on: approve, upstream, callback, token through the balancer', async () => {
  assert.ok(midFlow, 'no sign-in in progress');
  const from = trace.length;
  let result = await midFlow.browser.approve(midFlow.page);
  assert.equal(result.kind, 'redirect', 'no redirect to the app');
  const code = result.url.searchParams.get('code');
  assert.ok(code, `no code: error=${result.url.searchParams.get('error')}`);
  const response = await oauthPost(BALANCER.origin, '/oauth/token', {
    grant_type: 'authorization_code', code, code_verifier: midFlow.codeVerifier, redirect_uri: REDIRECT_URL,
    resource: MCP_URL.href,
  }, provider.clientInformation().client_id);
  const body = await jsonBody(response);
  assert.equal(response.status, 200, `HTTP ${response.status}: ${redact(JSON.stringify(body))}`);
  secret(body.access_token);
  secret(body.refresh_token);
  midFlowTokens = body;
  const steps = signInSteps(trace.slice(from));
  assert.ok(steps.every((s) => s.servedBy !== victim.name), 'a request went to the killed instance');
  const answer = await initializeAt(BALANCER.origin, body.access_token);
  await answer.text();
  assert.equal(answer.status, 200, `initialize with the new token: HTTP ${answer.status}`);
  return steps.map((s) => `${s.step}@${s.servedBy}`).join(' ');
});

await check('the SDK client connected before the kill: more calls, listTools, all answered by the others', async () => {
  const from = trace.length;
  for (let i = 0; i < 4; i++) {
    assert.equal(text(await callTool(session.client, 'echo', { text: `after the kill ${i}` })), `after the kill ${i}`);
  }
  const { tools } = await session.client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
  assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  const entries = balanced(from);
  const served = entries.map((e) => e.servedBy);
  assert.ok(!served.includes(victim.name), 'the killed instance served a request');
  assert.equal(new Set(served).size, live().length, `only ${[...new Set(served)]} served`);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].skipped || entries[i - 1].skipped) continue;
    assert.notEqual(served[i], served[i - 1], served.join(' '));
  }
  return entries.map((e) => `${e.servedBy}${e.skipped ? ` (after ${e.skipped} refused)` : ''}`).join(' ');
});

await check('another refresh through the balancer, and the new token works', async () => {
  const detail = await refresh(provider);
  const client = newClient();
  try {
    await client.connect(newTransport(provider), { timeout: STEP_TIMEOUT_MS });
    assert.equal(text(await callTool(client, 'whoami')), UPSTREAM_SUBJECT);
  } finally {
    await client.close().catch(() => {});
  }
  return detail;
});
await session.client?.close().catch(() => {});

section('(f) revocation: the grant\'s access token refused at every remaining instance, asked directly');

await check('before: the current access token is accepted by each remaining instance directly', async () => {
  signedIn();
  const token = provider.tokens().access_token;
  const out = [];
  for (const instance of live()) {
    const response = await initializeAt(instance.origin, token);
    await response.text();
    assert.equal(response.status, 200, `${instance.name}: HTTP ${response.status}`);
    out.push(`${instance.name} 200`);
  }
  return out.join(', ');
});

await check('revoke the refresh token through the balancer (POST /oauth/revoke): 200', async () => {
  signedIn();
  const response = await oauthPost(BALANCER.origin, '/oauth/revoke',
    { token: provider.tokens().refresh_token, token_type_hint: 'refresh_token' }, provider.clientInformation().client_id);
  const body = await bodyExcerpt(response);
  assert.equal(response.status, 200, `HTTP ${response.status}: ${body}`);
  return `at ${response.headers.get('x-served-by')}`;
});

await check('after: the revoked grant\'s access token gets 401 invalid_token at each remaining instance directly', async () => {
  signedIn();
  const token = provider.tokens().access_token;
  const out = [];
  for (const instance of live()) {
    const started = performance.now();
    let response;
    let tries = 0;
    // Refused at once is expected (the change is published before the revocation is answered); allowed 1 s.
    for (;;) {
      tries++;
      response = await initializeAt(instance.origin, token);
      await response.text();
      if (response.status !== 200 || performance.now() - started > 1000) break;
      await sleep(10);
    }
    assert.equal(response.status, 401, `${instance.name}: HTTP ${response.status} after ${tries} tries`);
    assert.match(response.headers.get('www-authenticate') ?? '', /invalid_token/, `${instance.name}: WWW-Authenticate`);
    out.push(`${instance.name} 401 ${tries === 1 ? 'at the first request' : `after ${tries} requests, ${Math.round(performance.now() - started)} ms`}`);
  }
  return out.join(', ');
});

await check('the revoked refresh token: 400 invalid_grant through the balancer', async () => {
  signedIn();
  const response = await oauthPost(BALANCER.origin, '/oauth/token',
    { grant_type: 'refresh_token', refresh_token: provider.tokens().refresh_token }, provider.clientInformation().client_id);
  const body = await jsonBody(response);
  assert.equal(response.status, 400, `HTTP ${response.status}: ${redact(JSON.stringify(body))}`);
  assert.equal(body.error, 'invalid_grant');
});

await check('one subscription per remaining instance: the killed one\'s is gone with its connection', () => checkSubscribers());

section('(g) Redis goes away: 503 with Retry-After, one log line per instance; back empty: a new sign-in works');

function redisPid() {
  return existsSync(REDIS_PIDFILE) ? Number(readFileSync(REDIS_PIDFILE, 'utf8').trim()) : undefined;
}

const unreachableBefore = new Map(INSTANCES.map((i) => [i.name, countLines(i, UNREACHABLE_LINE)]));
const reachableBefore = new Map(INSTANCES.map((i) => [i.name, countLines(i, REACHABLE_LINE)]));
let redisDown = false;
await check('redis-server stopped (SIGTERM to the pid in its pid file)', async () => {
  assert.ok(midFlowTokens?.access_token, 'no valid token from (e)');
  for (const instance of live()) {
    const response = await initializeAt(instance.origin, midFlowTokens.access_token);
    await response.text();
    assert.equal(response.status, 200, `${instance.name} before the outage: HTTP ${response.status}`);
  }
  const keys = await redisCommand('DBSIZE');
  const pid = redisPid();
  assert.ok(pid > 0, `no pid in ${REDIS_PIDFILE}`);
  process.kill(pid, 'SIGTERM');
  const ms = await waitPort(REDIS_PORT, false, 10000);
  redisDown = true;
  return `pid ${pid}, holding ${keys} keys; port ${REDIS_PORT} refused connections after ${ms} ms`;
});

await check('MCP requests with a valid token: 503 with Retry-After at each instance (never 401, never 500)', async () => {
  assert.ok(redisDown, 'Redis is not stopped');
  const out = [];
  for (const instance of live()) {
    for (let i = 0; i < 3; i++) {
      const response = await initializeAt(instance.origin, midFlowTokens.access_token);
      const body = await bodyExcerpt(response);
      if (response.status === 200) {
        // The token was accepted without Redis: how long does that last?
        const since = performance.now();
        let accepted = 1;
        let last = 200;
        while (last === 200 && performance.now() - since < 10000) {
          await sleep(20);
          const again = await initializeAt(instance.origin, midFlowTokens.access_token);
          await again.text();
          last = again.status;
          if (last === 200) accepted++;
        }
        assert.fail(`${instance.name} request ${i + 1} after Redis stopped: HTTP 200, the token accepted without `
          + `Redis; ${accepted} requests accepted over ${Math.round(performance.now() - since)} ms, then HTTP ${last}`);
      }
      assert.equal(response.status, 503, `${instance.name} request ${i + 1}: HTTP ${response.status} ${body}`);
      assert.match(response.headers.get('retry-after') ?? '', /^[0-9]+$/, `${instance.name}: Retry-After`);
      if (i === 0) out.push(`${instance.name} 503 Retry-After: ${response.headers.get('retry-after')}`);
    }
  }
  return out.join(', ');
});

await check('POST /oauth/token: 503 temporarily_unavailable at each instance and through the balancer', async () => {
  assert.ok(redisDown, 'Redis is not stopped');
  const out = [];
  const origins = [...live().map((i) => [i.name, i.origin]), ['balancer', BALANCER.origin]];
  for (const [name, origin] of origins) {
    for (let i = 0; i < 2; i++) {
      const response = await oauthPost(origin, '/oauth/token',
        { grant_type: 'refresh_token', refresh_token: midFlowTokens.refresh_token }, provider.clientInformation().client_id);
      const body = await jsonBody(response);
      assert.equal(response.status, 503, `${name}: HTTP ${response.status} ${redact(JSON.stringify(body))}`);
      assert.equal(body.error, 'temporarily_unavailable', `${name}: ${redact(JSON.stringify(body))}`);
      if (i === 0) out.push(`${name} 503 ${body.error} Retry-After: ${response.headers.get('retry-after') ?? '-'}`);
    }
  }
  return out.join(', ');
});

await check('the server logs: one "unreachable" line per instance for the whole outage, not one per request', async () => {
  const out = [];
  for (const instance of live()) {
    const lines = countLines(instance, UNREACHABLE_LINE) - unreachableBefore.get(instance.name);
    assert.equal(lines, 1, `${instance.name}: ${lines} lines for at least 7 failed requests`);
    out.push(`${instance.name}: ${lines}`);
  }
  return out.join(', ');
});

let redisBack = false;
await check('redis-server started again on the same port (empty: no persistence)', async () => {
  assert.ok(redisDown, 'Redis was not stopped');
  const log = openSync(REDIS_LOG, 'a');
  const child = spawn(REDIS_SERVER, ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--protected-mode', 'yes', '--pidfile', REDIS_PIDFILE],
  { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const ms = await waitPort(REDIS_PORT, true, 10000);
  redisBack = true;
  return `pid ${child.pid}; port ${REDIS_PORT} accepted connections after ${ms} ms`;
});

await check('each instance recovers by itself: the old token (gone with Redis\'s data) gets 401, not 503', async () => {
  assert.ok(redisBack, 'Redis is not running');
  const started = performance.now();
  const out = [];
  for (const instance of live()) {
    let response;
    for (;;) {
      response = await initializeAt(instance.origin, midFlowTokens.access_token);
      await response.text();
      if (response.status !== 503 || performance.now() - started > 15000) break;
      await sleep(100);
    }
    assert.equal(response.status, 401, `${instance.name}: HTTP ${response.status}`);
    out.push(`${instance.name} 401 after ${Math.round(performance.now() - started)} ms`);
  }
  return out.join(', ');
}, 30000);

await check('a new sign-in through the balancer works, without restarting the instances', async () => {
  assert.ok(redisBack, 'Redis is not running');
  const fresh = new HeadlessProvider('browser-after-outage');
  const from = trace.length;
  const client = newClient();
  const error = await rejection(client.connect(newTransport(fresh), { timeout: STEP_TIMEOUT_MS }), 'connect');
  await client.close().catch(() => {});
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  const flow = fresh.lastFlow();
  if (flow?.failure) throw flow.failure;
  assert.ok(flow?.code, 'no code');
  await newTransport(fresh).finishAuth(flow.code);
  const again = newClient();
  try {
    await again.connect(newTransport(fresh), { timeout: STEP_TIMEOUT_MS });
    assert.equal(text(await callTool(again, 'whoami')), UPSTREAM_SUBJECT);
  } finally {
    await again.close().catch(() => {});
  }
  const steps = signInSteps(trace.slice(from));
  assert.ok(new Set(steps.map((s) => s.servedBy)).size >= 2, 'all steps on one instance');
  return steps.map((s) => `${s.step}@${s.servedBy}`).join(' ');
});

await check('the server logs: one "reachable again" line per instance', async () => {
  const out = [];
  for (const instance of live()) {
    const lines = countLines(instance, REACHABLE_LINE) - reachableBefore.get(instance.name);
    assert.equal(lines, 1, `${instance.name}: ${lines} lines`);
    out.push(`${instance.name}: ${lines}`);
  }
  return out.join(', ');
});

await check('each remaining instance subscribed again to the invalidation channel, once', () => checkSubscribers());

section('(h) the balancer: every request went to the next instance in turn');

await check('consecutive requests through the balancer never hit the same instance', async () => {
  // A request retried after a refused connection may land where the next one goes: those pairs are left out.
  const numbered = balanced().filter((e) => e.number).sort((a, b) => a.number - b.number);
  assert.ok(numbered.length > 20, `only ${numbered.length} numbered requests`);
  let pairs = 0;
  for (let i = 1; i < numbered.length; i++) {
    if (numbered[i].number !== numbered[i - 1].number + 1 || numbered[i].skipped || numbered[i - 1].skipped) continue;
    pairs++;
    assert.notEqual(numbered[i].servedBy, numbered[i - 1].servedBy,
      `requests #${numbered[i - 1].number} and #${numbered[i].number} both on ${numbered[i].servedBy}`);
  }
  const retried = numbered.filter((e) => e.skipped).length;
  return `${numbered.length} requests through the balancer, ${pairs} consecutive pairs checked, ${retried} retried `
    + 'after a refused connection';
});

console.log(`\nscale-out: requests through the balancer per instance: ${spread()}`);
console.log(`scale-out: requests straight to an instance: ${trace.filter((e) => INSTANCES.some((i) => i.origin === e.origin)).length}; `
  + `refreshes: ${refreshCount}; killed: ${victim ? victim.name : 'none'}`);
console.log(`scale-out: slowest checks: ${[...timings].sort((a, b) => b.ms - a.ms).slice(0, 4)
  .map((t) => `${Math.round(t.ms)} ms ${t.name.slice(0, 60)}`).join('; ')}`);
console.log(`scale-out: total ${Math.round(performance.now() - runStarted)} ms`);
finish('scale-out');
