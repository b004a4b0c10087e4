// Interop test: the official TypeScript MCP SDK client (@modelcontextprotocol/sdk) against the fastmcp-java
// "interop" example, an OAuth protected resource with two static bearer tokens.
//
// Run by .ci/interop.sh, which installs the SDK, starts the server and sets:
//   INTEROP_MCP_URL      the MCP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   INTEROP_READ_TOKEN   a token with scope notes:read               (subject interop-reader)
//   INTEROP_WRITE_TOKEN  a token with scopes notes:read notes:write  (subject interop-writer)
// Optional: INTEROP_STEP_TIMEOUT_MS (default 15000), INTEROP_TOTAL_TIMEOUT_MS (default 180000).
//
// Prints one PASS or FAIL line per check and a closing "interop: N passed, N failed" line; exits 1 on any failure.
// Tokens are never printed.
//
// Network: only the server under test is contacted. The metadata names https://auth.example.com as the
// authorization server; the checks that let the SDK run its OAuth flow give it a fetch that answers for that
// host from memory, and a guard on the global fetch refuses every non-loopback address.

import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  UnauthorizedError,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { checkResourceAllowed } from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { McpError, ErrorCode, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';

// The SDK does not export its package.json; the test runs next to the node_modules it was installed in.
const SDK_VERSION = (() => {
  try {
    return JSON.parse(readFileSync(new URL('./node_modules/@modelcontextprotocol/sdk/package.json', import.meta.url))).version;
  } catch {
    return '(unknown version)';
  }
})();

// ------------------------------------------------------------------------------------------- configuration

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`interop: set ${name}`);
    process.exit(2);
  }
  return value;
}

const MCP_URL = new URL(requireEnv('INTEROP_MCP_URL'));
const READ_TOKEN = requireEnv('INTEROP_READ_TOKEN');
const WRITE_TOKEN = requireEnv('INTEROP_WRITE_TOKEN');
const STEP_TIMEOUT_MS = Number(process.env.INTEROP_STEP_TIMEOUT_MS ?? 15000);
const TOTAL_TIMEOUT_MS = Number(process.env.INTEROP_TOTAL_TIMEOUT_MS ?? 180000);

const AUTHORIZATION_SERVER = 'https://auth.example.com';
const SCOPES = ['notes:read', 'notes:write'];
const TOOLS = ['read-note', 'whoami', 'write-note']; // sorted; "admin" must never be listed
const PRM_URL = `${MCP_URL.origin}/.well-known/oauth-protected-resource${MCP_URL.pathname}`;
const READER = 'interop-reader';
const WRITER = 'interop-writer';
const REDIRECT_URL = 'http://127.0.0.1:1/interop-callback'; // never contacted: the test plays the browser

// Whole-run watchdog: whatever hangs, the process ends.
const watchdog = setTimeout(() => {
  console.log(`FAIL  interop run did not finish within ${TOTAL_TIMEOUT_MS} ms`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

// --------------------------------------------------------------------------------------- network guard

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const realFetch = globalThis.fetch.bind(globalThis);

function urlOf(input) {
  return new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
}

// Every fetch in this process, the SDK's included, stays on loopback.
globalThis.fetch = async (input, init) => {
  const url = urlOf(input);
  if (!LOOPBACK.has(url.hostname)) {
    throw new Error(`interop network guard: refusing to contact ${url.origin}`);
  }
  return realFetch(input, init);
};

/** RFC 8414 metadata for the fictitious authorization server, as the SDK's OAuth flow expects it. */
const AS_METADATA = {
  issuer: AUTHORIZATION_SERVER,
  authorization_endpoint: `${AUTHORIZATION_SERVER}/authorize`,
  token_endpoint: `${AUTHORIZATION_SERVER}/token`,
  registration_endpoint: `${AUTHORIZATION_SERVER}/register`,
  response_types_supported: ['code'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  code_challenge_methods_supported: ['S256'],
  token_endpoint_auth_methods_supported: ['none'],
  scopes_supported: SCOPES,
};

/**
 * A fetch for the SDK's OAuth flow: the server under test is reached for real; the authorization server's
 * metadata is answered from memory; anything else fails. Records every URL asked for.
 */
function sandboxFetch(log) {
  return async (input, init) => {
    const url = urlOf(input);
    log.push(url.href);
    if (url.origin === MCP_URL.origin) {
      return globalThis.fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(STEP_TIMEOUT_MS) });
    }
    if (url.href === `${AUTHORIZATION_SERVER}/.well-known/oauth-authorization-server`) {
      return new Response(JSON.stringify(AS_METADATA), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    throw new Error(`interop sandbox: unexpected request to ${url.href}`);
  };
}

/**
 * An OAuthClientProvider for a pre-registered public client that never completes the flow: it records the
 * authorization URL the SDK would send the user to. With accessToken set, it holds that token (without a
 * refresh token, so a step-up re-authorizes instead of refreshing).
 */
class RecordingProvider {
  constructor(accessToken) {
    this.accessToken = accessToken;
    this.authorizationUrl = undefined;
    this._client = { client_id: 'interop-client' };
  }
  get redirectUrl() { return REDIRECT_URL; }
  get clientMetadata() {
    return {
      client_name: 'fastmcp-interop',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() { return 'interop-state'; }
  clientInformation() { return this._client; }
  saveClientInformation(info) { this._client = info; }
  tokens() { return this.accessToken ? { access_token: this.accessToken, token_type: 'Bearer' } : undefined; }
  saveTokens() { throw new Error('no token exchange is expected in this test'); }
  saveCodeVerifier(v) { this._verifier = v; }
  codeVerifier() { return this._verifier; }
  redirectToAuthorization(url) { this.authorizationUrl = new URL(url.href); }
}

// ------------------------------------------------------------------------------------------ test harness

const results = { passed: 0, failed: 0 };

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one check, bounded by the step timeout; prints PASS or FAIL with the reason. */
async function check(name, fn) {
  try {
    const detail = await withTimeout(Promise.resolve().then(fn), STEP_TIMEOUT_MS, name);
    results.passed++;
    console.log(`PASS  ${name}${detail ? `  [${detail}]` : ''}`);
    return true;
  } catch (error) {
    results.failed++;
    console.log(`FAIL  ${name}\n      ${describe(error).replaceAll('\n', '\n      ')}`);
    return false;
  }
}

function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const code = error.code === undefined ? '' : ` (code ${error.code})`;
  return `${error.constructor.name}${code}: ${redact(error.message)}`;
}

function redact(text) {
  return String(text).replaceAll(READ_TOKEN, '<read-token>').replaceAll(WRITE_TOKEN, '<write-token>');
}

function section(title) {
  console.log(`\n---- ${title}`);
}

/** Resolves to the error the promise rejects with; fails when it resolves. */
async function rejection(promise, what) {
  try {
    const value = await promise;
    throw new assert.AssertionError({ message: `${what} succeeded but should have failed: ${redact(JSON.stringify(value))}` });
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

function bearer(token) {
  return { Authorization: `Bearer ${token}` };
}

function newClient() {
  return new Client({ name: 'fastmcp-interop', version: '1.0.0' });
}

/** A client connected with a static bearer token, as an app holding a token does it. */
async function connectWithToken(token) {
  const client = newClient();
  const transport = new StreamableHTTPClientTransport(MCP_URL, { requestInit: { headers: bearer(token) } });
  await client.connect(transport, { timeout: STEP_TIMEOUT_MS });
  return { client, transport };
}

async function callTool(client, name, args = {}) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: STEP_TIMEOUT_MS });
}

function text(result) {
  assert.ok(!result.isError, `tool returned isError: ${JSON.stringify(result.content)}`);
  const first = result.content?.[0];
  assert.equal(first?.type, 'text', `expected text content, got ${JSON.stringify(result.content)}`);
  return first.text;
}

function scopeSet(scope) {
  return new Set((scope ?? '').split(' ').filter(Boolean));
}

// Raw HTTP, for what the SDK does not expose: status codes and the exact challenge.
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function rawPost(body, headers = {}, url = MCP_URL) {
  return globalThis.fetch(url, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'fastmcp-interop-raw', version: '1.0.0' },
  },
};

/** Opens a session over raw HTTP with a token; returns its id. */
async function rawSession(token) {
  const init = await rawPost(INITIALIZE, bearer(token));
  await init.text();
  assert.equal(init.status, 200, `initialize answered HTTP ${init.status}`);
  const sessionId = init.headers.get('mcp-session-id');
  assert.ok(sessionId, 'initialize answered without Mcp-Session-Id');
  const headers = { ...bearer(token), 'mcp-session-id': sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
  const initialized = await rawPost({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  await initialized.text();
  assert.equal(initialized.status, 202, `notifications/initialized answered HTTP ${initialized.status}`);
  return sessionId;
}

function assertJsonRpcErrorFor(body, id) {
  const message = JSON.parse(body);
  assert.equal(message.jsonrpc, '2.0', `body is not JSON-RPC: ${body}`);
  assert.equal(message.id, id, `body does not echo the request id ${id}: ${body}`);
  assert.ok(message.error && typeof message.error.code === 'number', `body has no JSON-RPC error: ${body}`);
  return message.error;
}

// ------------------------------------------------------------------------------------------------ checks

console.log(`interop: @modelcontextprotocol/sdk ${SDK_VERSION} on Node ${process.version} -> ${MCP_URL.href}`);

section('(a) no token: the 401 challenge and the protected resource metadata');

await check('SDK without credentials: connect() fails with HTTP 401 (StreamableHTTPError)', async () => {
  const client = newClient();
  const transport = new StreamableHTTPClientTransport(MCP_URL);
  const error = await rejection(client.connect(transport, { timeout: STEP_TIMEOUT_MS }), 'connect without a token');
  await client.close().catch(() => {});
  assert.ok(error instanceof StreamableHTTPError, `expected StreamableHTTPError, got ${describe(error)}`);
  assert.equal(error.code, 401);
  return `code ${error.code}`;
});

let challenge;
await check('raw POST initialize without a token: 401, challenge read by extractWWWAuthenticateParams', async () => {
  const response = await rawPost(INITIALIZE);
  const body = await response.text();
  assert.equal(response.status, 401);
  const header = response.headers.get('www-authenticate');
  assert.ok(header, '401 without WWW-Authenticate');
  challenge = extractWWWAuthenticateParams(response);
  assert.ok(challenge.resourceMetadataUrl instanceof URL, `no resource_metadata in: ${header}`);
  assert.equal(challenge.resourceMetadataUrl.href, PRM_URL, 'resource_metadata');
  assert.deepEqual(scopeSet(challenge.scope), new Set(SCOPES), `scope in: ${header}`);
  assert.equal(challenge.error, undefined, `a missing token is not an error="...": ${header}`);
  // Answered before the body is read (a client without credentials never makes the server buffer it), so the
  // request id is unknown: JSON-RPC 2.0 says null then.
  assertJsonRpcErrorFor(body, null);
  return header;
});

let prm;
await check('discoverOAuthProtectedResourceMetadata at the challenge URL: resource, authorization_servers, scopes', async () => {
  assert.ok(challenge?.resourceMetadataUrl, 'no resource_metadata URL from the previous check');
  prm = await discoverOAuthProtectedResourceMetadata(MCP_URL, { resourceMetadataUrl: challenge.resourceMetadataUrl });
  assert.equal(prm.resource, MCP_URL.href, 'resource');
  assert.ok(checkResourceAllowed({ requestedResource: MCP_URL, configuredResource: prm.resource }),
    `checkResourceAllowed(${MCP_URL.href}, ${prm.resource}) is false`);
  assert.deepEqual(prm.authorization_servers, [AUTHORIZATION_SERVER], 'authorization_servers');
  assert.deepEqual([...(prm.scopes_supported ?? [])].sort(), SCOPES, 'scopes_supported');
  assert.ok(prm.bearer_methods_supported?.includes('header'), 'bearer_methods_supported lacks "header"');
  return JSON.stringify(prm);
});

await check('discoverOAuthProtectedResourceMetadata without the header: path-suffixed and root well-known URLs', async () => {
  const suffixed = await discoverOAuthProtectedResourceMetadata(MCP_URL);
  assert.equal(suffixed.resource, MCP_URL.href, 'resource at the path-suffixed URL');
  const root = await discoverOAuthProtectedResourceMetadata(new URL('/', MCP_URL));
  assert.equal(root.resource, MCP_URL.href, 'resource at the root URL');
  assert.deepEqual(root.authorization_servers, [AUTHORIZATION_SERVER], 'authorization_servers at the root URL');
});

await check('SDK OAuth flow without a token: connect() fails with UnauthorizedError and a correct authorization request', async () => {
  const fetched = [];
  const provider = new RecordingProvider(undefined);
  const client = newClient();
  const transport = new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider, fetch: sandboxFetch(fetched) });
  const error = await rejection(client.connect(transport, { timeout: STEP_TIMEOUT_MS }), 'connect through the OAuth flow');
  await client.close().catch(() => {});
  assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError, got ${describe(error)}`);
  assert.ok(fetched.includes(PRM_URL), `the SDK did not fetch the metadata at ${PRM_URL}; fetched: ${fetched.join(', ')}`);
  const url = provider.authorizationUrl;
  assert.ok(url, 'the SDK did not start an authorization request');
  assert.equal(`${url.origin}${url.pathname}`, `${AUTHORIZATION_SERVER}/authorize`, 'authorization endpoint');
  assert.equal(url.searchParams.get('resource'), MCP_URL.href, 'resource parameter (RFC 8707)');
  assert.deepEqual(scopeSet(url.searchParams.get('scope')), new Set(SCOPES), 'scope parameter');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  return `resource=${url.searchParams.get('resource')} scope="${url.searchParams.get('scope')}"`;
});

await check('invalid token: 401 with error="invalid_token", and the SDK connect fails with 401', async () => {
  const response = await rawPost(INITIALIZE, bearer('not-a-valid-token'));
  const body = await response.text();
  assert.equal(response.status, 401);
  const params = extractWWWAuthenticateParams(response);
  assert.equal(params.error, 'invalid_token', `error in: ${response.headers.get('www-authenticate')}`);
  assert.equal(params.resourceMetadataUrl?.href, PRM_URL, 'resource_metadata');
  assertJsonRpcErrorFor(body, INITIALIZE.id);
  const client = newClient();
  const transport = new StreamableHTTPClientTransport(MCP_URL, { requestInit: { headers: bearer('not-a-valid-token') } });
  const error = await rejection(client.connect(transport, { timeout: STEP_TIMEOUT_MS }), 'connect with an invalid token');
  await client.close().catch(() => {});
  assert.ok(error instanceof StreamableHTTPError && error.code === 401, `expected a 401 StreamableHTTPError, got ${describe(error)}`);
});

await check('a valid token in the query string is refused: 401', async () => {
  const url = new URL(MCP_URL);
  url.searchParams.set('access_token', READ_TOKEN);
  const response = await rawPost(INITIALIZE, {}, url);
  await response.text();
  assert.equal(response.status, 401);
});

section('(b) read token (notes:read): list, call, and the 403 step-up for write-note');

let reader;
await check('SDK connect with the read token (requestInit Authorization header)', async () => {
  reader = await connectWithToken(READ_TOKEN);
  const info = reader.client.getServerVersion();
  assert.equal(info?.name, 'fastmcp-interop', 'serverInfo.name');
  return `server ${info.name} ${info.version}, session ${reader.transport.sessionId ? 'set' : 'none'}`;
});

if (reader) {
  await check('listTools: exactly whoami, read-note, write-note (write-note stays listed; admin never)', async () => {
    const { tools } = await reader.client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, TOOLS);
    return names.join(', ');
  });

  await check('callTool whoami: the read token\'s subject', async () => {
    const subject = text(await callTool(reader.client, 'whoami'));
    assert.equal(subject, READER);
    return subject;
  });

  await check('callTool read-note: succeeds', async () => {
    const note = text(await callTool(reader.client, 'read-note'));
    assert.match(note, /^note: /);
    return note;
  });

  await check('callTool write-note: fails with HTTP 403 (StreamableHTTPError code 403)', async () => {
    const error = await rejection(callTool(reader.client, 'write-note', { text: 'from the reader' }), 'write-note with notes:read');
    assert.ok(error instanceof StreamableHTTPError, `expected StreamableHTTPError, got ${describe(error)}`);
    assert.equal(error.code, 403);
    return redact(error.message);
  });

  await check('the connection still works after the 403: whoami again', async () => {
    assert.equal(text(await callTool(reader.client, 'whoami')), READER);
  });

  await check('callTool admin (role admin): unknown tool, as if it did not exist', async () => {
    const error = await rejection(callTool(reader.client, 'admin'), 'admin without the role');
    assert.ok(error instanceof McpError, `expected McpError, got ${describe(error)}`);
    assert.equal(error.code, ErrorCode.InvalidParams);
    assert.match(error.message, /unknown tool/i);
    return error.message;
  });
}

await check('raw tools/call write-note with the read token: 403, error="insufficient_scope", scope, resource_metadata', async () => {
  const sessionId = await rawSession(READ_TOKEN);
  const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'write-note', arguments: { text: 'raw' } } };
  const response = await rawPost(call, {
    ...bearer(READ_TOKEN), 'mcp-session-id': sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
  });
  const body = await response.text();
  assert.equal(response.status, 403, `status (body: ${body})`);
  const header = response.headers.get('www-authenticate');
  assert.ok(header, '403 without WWW-Authenticate');
  const params = extractWWWAuthenticateParams(response);
  assert.equal(params.error, 'insufficient_scope', `error in: ${header}`);
  const scopes = scopeSet(params.scope);
  assert.ok(scopes.has('notes:write'), `scope lacks notes:write: ${header}`);
  assert.ok(scopes.has('notes:read'), `scope lacks the already granted notes:read: ${header}`);
  assert.equal(params.resourceMetadataUrl?.href, PRM_URL, `resource_metadata in: ${header}`);
  assertJsonRpcErrorFor(body, call.id);
  return header;
});

await check('SDK step-up with an OAuth provider holding the read token: 403 -> re-authorization asking notes:write', async () => {
  const fetched = [];
  const provider = new RecordingProvider(READ_TOKEN);
  const client = newClient();
  const transport = new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider, fetch: sandboxFetch(fetched) });
  try {
    await client.connect(transport, { timeout: STEP_TIMEOUT_MS });
    assert.equal(provider.authorizationUrl, undefined, 'the SDK asked for authorization although it held a valid token');
    assert.equal(text(await callTool(client, 'whoami')), READER, 'whoami through the provider\'s token');
    const error = await rejection(callTool(client, 'write-note', { text: 'step-up' }), 'write-note with notes:read');
    assert.ok(error instanceof UnauthorizedError, `expected UnauthorizedError (redirect to re-authorize), got ${describe(error)}`);
    const url = provider.authorizationUrl;
    assert.ok(url, 'the SDK did not start an authorization request on the 403');
    assert.equal(`${url.origin}${url.pathname}`, `${AUTHORIZATION_SERVER}/authorize`, 'authorization endpoint');
    const scopes = scopeSet(url.searchParams.get('scope'));
    assert.ok(scopes.has('notes:write') && scopes.has('notes:read'), `scope parameter: ${url.searchParams.get('scope')}`);
    assert.equal(url.searchParams.get('resource'), MCP_URL.href, 'resource parameter');
    return `scope="${url.searchParams.get('scope')}"`;
  } finally {
    await client.close().catch(() => {});
  }
});

section('(c) write token (notes:read notes:write): write-note succeeds');

let writer;
await check('SDK connect with the write token', async () => {
  writer = await connectWithToken(WRITE_TOKEN);
});

if (writer) {
  await check('listTools: exactly whoami, read-note, write-note', async () => {
    const { tools } = await writer.client.listTools(undefined, { timeout: STEP_TIMEOUT_MS });
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  });

  await check('callTool whoami: the write token\'s subject', async () => {
    assert.equal(text(await callTool(writer.client, 'whoami')), WRITER);
  });

  const note = `written by the TypeScript SDK at ${new Date().toISOString()}`;
  await check('callTool write-note: succeeds', async () => {
    const saved = text(await callTool(writer.client, 'write-note', { text: note }));
    assert.equal(saved, `saved by ${WRITER}`);
    return saved;
  });

  await check('callTool read-note: returns the note just written', async () => {
    assert.equal(text(await callTool(writer.client, 'read-note')), `note: ${note}`);
  });

  if (reader?.transport.sessionId) {
    await check('the reader\'s session id presented with the write token: 404 (sessions are bound to their subject)', async () => {
      const response = await rawPost({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, {
        ...bearer(WRITE_TOKEN), 'mcp-session-id': reader.transport.sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
      });
      await response.text();
      assert.equal(response.status, 404);
    });
  }

  await check('terminateSession (DELETE with the bearer token): succeeds', async () => {
    await writer.transport.terminateSession();
    assert.equal(writer.transport.sessionId, undefined);
  });
}

await Promise.allSettled([reader?.client.close(), writer?.client.close()]);

console.log(`\ninterop: ${results.failed === 0 ? 'PASSED' : 'FAILED'}`);
console.log(`interop: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
