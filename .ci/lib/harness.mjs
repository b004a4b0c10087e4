// What the Node tests of .ci share: reading their environment, a watchdog, secrets kept out of the output, a guard
// on the global fetch that contacts loopback addresses only, the PASS/FAIL printer and its closing count, and the
// bits of HTML a fetch-based browser needs. Node built-ins only: each test directory installs its own packages,
// and this file is found by relative path (../lib/harness.mjs), next to the tests' directory, wherever they run.
// One test per process: the secrets and the results here are that process's.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// ------------------------------------------------------------------------------------------- configuration

/** A requireEnv(name) for the test `who`: the variable's value, or exit 2 saying which one to set. */
export function envReader(who) {
  return (name) => {
    const value = process.env[name];
    if (!value) {
      console.error(`${who}: set ${name}`);
      process.exit(2);
    }
    return value;
  };
}

/** The version of an installed package, from node_modules next to the test at `testUrl` (its import.meta.url). */
export function packageVersion(testUrl, name) {
  try {
    return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, testUrl))).version;
  } catch {
    return '(unknown version)';
  }
}

/** Ends the process with a FAIL line when the run takes more than `ms`; `what` names the run. */
export function startWatchdog(ms, what) {
  const watchdog = setTimeout(() => {
    console.log(`FAIL  ${what} did not finish within ${ms} ms`);
    process.exit(1);
  }, ms);
  watchdog.unref();
  return watchdog;
}

// ----------------------------------------------------------------------------------- secrets and output

const secrets = new Map(); // value -> fingerprint

export function fingerprint(value) {
  return createHash('sha256').update(String(value)).digest('hex').slice(0, 8);
}

/** Registers a value never to be printed; returns its printable stand-in. */
export function secret(value) {
  if (typeof value !== 'string' || value.length < 6) return '<secret>';
  if (!secrets.has(value)) secrets.set(value, fingerprint(value));
  return `<secret:${secrets.get(value)}>`;
}

export function redact(text) {
  let out = String(text);
  // Longest first, so a token containing another secret is replaced whole.
  for (const value of [...secrets.keys()].sort((a, b) => b.length - a.length)) {
    out = out.replaceAll(value, `<secret:${secrets.get(value)}>`);
  }
  return out;
}

export function describe(error) {
  if (!(error instanceof Error)) return redact(String(error));
  const code = error.code === undefined ? '' : ` (code ${error.code})`;
  const cause = error.cause instanceof Error ? `; cause: ${error.cause.message}` : '';
  return redact(`${error.constructor.name}${code}: ${error.message}${cause}`);
}

// --------------------------------------------------------------------------------------- network guard

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function urlOf(input) {
  return new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
}

/**
 * Replaces the global fetch with one that refuses every non-loopback address (an error naming `who`) and bounds
 * each request by `stepTimeoutMs` unless it has its own signal. observe(method, url), called before each request,
 * returns done(response, error), called with the response or the error: the test's trace of requests.
 */
export function guardFetch(who, stepTimeoutMs, observe) {
  const realFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input, init) => {
    const url = urlOf(input);
    if (!LOOPBACK.has(url.hostname)) {
      throw new Error(`${who} network guard: refusing to contact ${url.origin}`);
    }
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const done = observe(method, url);
    try {
      const response = await realFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(stepTimeoutMs) });
      done(response, undefined);
      return response;
    } catch (error) {
      done(undefined, error);
      throw error;
    }
  };
}

// ------------------------------------------------------------------------------------------ test harness

export const results = { passed: 0, failed: 0 };

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A check(name, fn, ms = stepTimeoutMs): runs fn bounded in time, prints PASS (with what fn returns) or FAIL
 * (with the error and the requests it made). mark() is where the trace stands now; requestsSince(mark) the lines
 * to print for the requests made since (both left out by a test that keeps no trace); timed(name, ms), when
 * given, hears how long each check took.
 */
export function checker({ stepTimeoutMs, mark = () => 0, requestsSince = () => [], timed }) {
  return async function check(name, fn, ms = stepTimeoutMs) {
    const traceStart = mark();
    const started = performance.now();
    try {
      const detail = await withTimeout(Promise.resolve().then(fn), ms, name);
      results.passed++;
      console.log(`PASS  ${name}${detail ? `  [${redact(detail)}]` : ''}`);
      return true;
    } catch (error) {
      results.failed++;
      console.log(`FAIL  ${name}\n      ${describe(error).replaceAll('\n', '\n      ')}`);
      const requests = requestsSince(traceStart);
      if (requests.length) console.log(`      requests:\n        ${requests.join('\n        ')}`);
      return false;
    } finally {
      timed?.(name, performance.now() - started);
    }
  };
}

export function section(title) {
  console.log(`\n---- ${title}`);
}

/** The error `promise` rejects with; an AssertionError when it resolves. */
export async function rejection(promise, what) {
  try {
    const value = await promise;
    throw new assert.AssertionError({ message: `${what} succeeded but should have failed: ${redact(JSON.stringify(value))}` });
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

/** Prints the closing lines of the test `who` and exits, 1 on any failure. */
export function finish(who) {
  console.log(`\n${who}: ${results.failed === 0 ? 'PASSED' : 'FAILED'}`);
  console.log(`${who}: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

export async function bodyExcerpt(response) {
  const text = await response.text().catch(() => '');
  return redact(text.length > 300 ? `${text.slice(0, 300)}...` : text);
}

export async function jsonBody(response) {
  const raw = await response.text();
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`HTTP ${response.status}: not JSON: ${redact(raw.slice(0, 300))}`);
  }
}

// ------------------------------------------------------------------------------------------- HTML pages

const HTML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeHtml(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return HTML_ENTITIES[lower] ?? whole;
  });
}

/** The attributes of a tag's inside (after its name), decoded; the first of a repeated one wins. */
export function attributes(tag) {
  const attrs = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1].toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeHtml(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}
