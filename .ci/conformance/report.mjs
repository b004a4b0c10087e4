// Judges one `conformance server --requirements <revision>` run from the checks.json the suite writes for each
// scenario (<results>/server-<scenario>-<timestamp>/checks.json), not from its printed text.
//
// Usage: node report.mjs <conformance package dir> <revision> <results dir> [<expected file>]
//
// The scored scenarios are those the package's requirements/<revision>.yaml lists under `server`; the ones under
// `not_scored` (leg server) are reported and never fail the run. A scenario passes when none of its checks is a
// FAILURE (the suite's own rule: WARNING, SKIPPED and INFO do not fail it); one without a checks.json fails.
//
// Without an expected file every scored scenario must pass. With one (a ratchet for a revision the server does
// not fully serve yet), only the scenarios it lists must pass: the others are reported as not yet passing, and
// those that pass without being listed are named, to be added. It may also list scenarios the revision runs but
// does not score (the tasks-* ones): those become required too, so that what passes keeps passing. Names in it
// that are not server scenarios of the revision are an error, so that a typo cannot quietly drop a requirement.
//
// Prints one line per scenario and a count; exits 1 when a required scenario fails, 2 on bad input.

import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const [packageDir, revision, resultsDir, expectedFile] = process.argv.slice(2);
if (!packageDir || !revision || !resultsDir) {
  console.error('usage: node report.mjs <conformance package dir> <revision> <results dir> [<expected file>]');
  process.exit(2);
}

// The suite's own YAML parser, so the requirement set is read exactly as the suite reads it.
const YAML = createRequire(resolve(packageDir, 'package.json'))('yaml');
const requirements = YAML.parse(readFileSync(join(packageDir, 'requirements', `${revision}.yaml`), 'utf8'));
const scored = requirements.server ?? [];
const notScored = (requirements.not_scored ?? []).filter((entry) => entry.leg === 'server');
if (scored.length === 0) {
  console.error(`requirements/${revision}.yaml lists no scored server scenarios`);
  process.exit(2);
}

const checksByScenario = readResults(resultsDir);
const expected = expectedFile ? readExpected(expectedFile) : new Set(scored);
const notScoredNames = notScored.map((entry) => entry.scenario);
const unknown = [...expected].filter((name) => !scored.includes(name) && !notScoredNames.includes(name));
if (unknown.length > 0) {
  console.error(`${basename(expectedFile)} names scenarios that ${revision} does not run: ${unknown.join(', ')}`);
  process.exit(2);
}

console.log(`${revision}: scored scenarios${expectedFile ? ` (required: those in ${basename(expectedFile)})` : ''}`);
const outcomes = scored.map((name) => ({ name, ...judge(checksByScenario.get(name)) }));
for (const o of outcomes) {
  const status = o.passed ? 'pass' : expected.has(o.name) ? 'FAIL' : 'fail';
  const tag = expectedFile ? (expected.has(o.name) ? 'required ' : 'not yet  ') : '';
  console.log(`  ${status}  ${tag}${o.name}${o.detail}`);
}

const unscoredOutcomes = notScored.map((entry) => ({ name: entry.scenario, reason: entry.reason,
  ...judge(checksByScenario.get(entry.scenario)) }));
if (unscoredOutcomes.length > 0) {
  console.log(`${revision}: run, not scored`);
  for (const o of unscoredOutcomes) {
    const status = o.passed ? 'pass' : expected.has(o.name) ? 'FAIL' : 'fail';
    const tag = expectedFile ? (expected.has(o.name) ? 'required ' : 'optional ') : '';
    console.log(`  ${status}  ${tag}${o.name} (${o.reason})${o.detail}`);
  }
  const unscoredPassing = unscoredOutcomes.filter((o) => o.passed).length;
  console.log(`${revision}: ${unscoredPassing} of ${unscoredOutcomes.length} unscored scenarios pass`);
}

const passing = outcomes.filter((o) => o.passed);
const regressions = [...outcomes, ...unscoredOutcomes].filter((o) => !o.passed && expected.has(o.name));
const notYet = scored.length - passing.length;
console.log(`${revision}: ${passing.length} of ${scored.length} scored scenarios pass; ${notYet} not yet`);

if (expectedFile) {
  const unlisted = passing.filter((o) => !expected.has(o.name)).map((o) => o.name);
  if (unlisted.length > 0) {
    console.log(`${revision}: ${unlisted.length} pass but are not in ${basename(expectedFile)}; add them so they`
        + ` keep passing: ${unlisted.join(', ')}`);
  }
}
if (regressions.length > 0) {
  console.log(`${revision}: FAILED: ${regressions.length} required scenario(s) fail:`
      + ` ${regressions.map((o) => o.name).join(', ')}`);
  process.exit(1);
}
console.log(`${revision}: every required scenario passes (${expected.size})`);

/** The checks of each scenario in the results directory; the latest run when a scenario ran more than once. */
function readResults(dir) {
  const byScenario = new Map();
  const dirs = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of dirs) {
    const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(name);
    const file = join(dir, name, 'checks.json');
    if (match && existsSync(file)) {
      byScenario.set(match[1], JSON.parse(readFileSync(file, 'utf8')));
    }
  }
  return byScenario;
}

/** One scenario per line; blank lines and # comments are ignored. */
function readExpected(file) {
  return new Set(readFileSync(file, 'utf8').split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter((line) => line.length > 0));
}

/** Whether the scenario passed, and a short note: the failed check ids, or the warnings of a pass. */
function judge(checks) {
  if (checks === undefined) {
    return { passed: false, detail: ': no checks.json (the scenario did not run to the end)' };
  }
  const failed = [...new Set(checks.filter((c) => c.status === 'FAILURE').map((c) => c.id))];
  if (failed.length > 0) {
    const shown = failed.slice(0, 4).join(', ') + (failed.length > 4 ? `, and ${failed.length - 4} more` : '');
    return { passed: false, detail: `: failed ${shown}` };
  }
  const warnings = checks.filter((c) => c.status === 'WARNING').length;
  return { passed: true, detail: warnings > 0 ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : '' };
}
