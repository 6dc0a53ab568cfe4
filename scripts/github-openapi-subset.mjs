#!/usr/bin/env node
// The part of GitHub's REST API description (npm @octokit/openapi, pinned below) that ephemeral calls:
// the operations in OPERATIONS plus every component they reference, transitively. The fake GitHub in
// test/harness/github/ validates every request and response against it; test/unit/harness/github/openapi.test.ts
// regenerates it from the pinned package and fails when the committed file differs.
//
//   node scripts/github-openapi-subset.mjs           regenerate test/harness/github/openapi-subset.json
//   node scripts/github-openapi-subset.mjs --fetch   only make sure the pinned tarball is cached
//   node scripts/github-openapi-subset.mjs --check   exit 1 when the committed file is not current
//
// The tarball (29 MB; 404 MB unpacked, so it is no devDependency) is fetched once with `npm pack` from
// npm's configured registry into .cache/npm/ and read with `tar -xzO`, one file, never unpacked whole.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE = '@octokit/openapi';
export const VERSION = '23.0.2';
export const SPEC_FILE = 'package/generated/api.github.com.json';

/** operationId → why ephemeral calls it. Add an operation here, then regenerate. */
export const OPERATIONS = {
  'pulls/get': 'PR state and head SHA (guards, sweep confirmation)',
  'pulls/list': 'open PRs, paginated (sweep)',
  'issues/list-comments': 'find the sticky comment',
  'issues/create-comment': 'create the sticky comment',
  'issues/update-comment': 'update the sticky comment',
  'repos/create-deployment': 'a deployment per deploy',
  'repos/list-deployments': 'earlier deployments of the environment',
  'repos/create-deployment-status': 'in_progress / success / failure / inactive',
  'repos/list-deployment-statuses': 'skip deployments already inactive',
  'repos/delete-deployment': 'opt-in removal of inactive deployments',
  'repos/delete-an-environment': 'opt-in removal of the GitHub environment (admin token)',
  'rate-limit/get': 'budget (free of charge)',
};

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SUBSET_PATH = join(ROOT, 'test/harness/github/openapi-subset.json');
export const TARBALL = join(ROOT, '.cache/npm', `octokit-openapi-${VERSION}.tgz`);

/** Fetches the pinned tarball into .cache/npm unless it is there; returns its path. */
export function fetchTarball() {
  if (existsSync(TARBALL)) return TARBALL;
  mkdirSync(dirname(TARBALL), { recursive: true });
  // From the cache folder, so the project's package.json plays no part.
  execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--silent', '--pack-destination', '.'], {
    cwd: dirname(TARBALL),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!existsSync(TARBALL)) throw new Error(`npm pack ${PACKAGE}@${VERSION} did not produce ${TARBALL}`);
  return TARBALL;
}

/** The full description's text, read from the cached tarball (throws with the fix when it is missing). */
export function readFullSpec(tarball = TARBALL) {
  if (!existsSync(tarball))
    throw new Error(
      `${tarball} is missing: run "node scripts/github-openapi-subset.mjs --fetch" (npm test does it in its set-up)`,
    );
  return execFileSync('tar', ['-xzOf', tarball, SPEC_FILE], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
}

function refsIn(node, out) {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(value);
      else refsIn(value, out);
    }
  }
}

/**
 * The subset of `full` (the parsed description) holding OPERATIONS and their components (pure).
 * @throws Error when an operation is not in the description
 */
export function buildSubset(full, sourceText) {
  const paths = {};
  const found = new Set();
  for (const [path, item] of Object.entries(full.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !(op.operationId in OPERATIONS)) continue;
      const { operationId, summary, parameters, requestBody, responses } = op;
      paths[path] ??= {};
      paths[path][method] = {
        operationId,
        summary,
        ...(parameters ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses,
      };
      found.add(operationId);
    }
  }
  const missing = Object.keys(OPERATIONS).filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`not in ${PACKAGE}@${VERSION}: ${missing.join(', ')}`);
  const components = {};
  const pending = new Set();
  refsIn(paths, pending);
  // The generic error body, used for faults an operation does not declare (see fake-github.ts).
  pending.add('#/components/schemas/basic-error');
  const done = new Set();
  while (pending.size > 0) {
    const ref = pending.values().next().value;
    pending.delete(ref);
    if (done.has(ref)) continue;
    done.add(ref);
    const [, , kind, name] = ref.split('/');
    const value = full.components?.[kind]?.[name];
    if (value === undefined) throw new Error(`dangling reference ${ref}`);
    components[kind] ??= {};
    components[kind][name] = value;
    refsIn(value, pending);
  }
  const sortedComponents = {};
  for (const kind of Object.keys(components).sort()) {
    sortedComponents[kind] = {};
    for (const name of Object.keys(components[kind]).sort())
      sortedComponents[kind][name] = components[kind][name];
  }
  const sortedPaths = {};
  for (const path of Object.keys(paths).sort()) sortedPaths[path] = paths[path];
  return {
    openapi: full.openapi,
    info: { title: full.info.title, version: full.info.version },
    'x-ephemeral-subset': {
      source: `${PACKAGE}@${VERSION} ${SPEC_FILE.replace(/^package\//, '')}`,
      sha256: createHash('sha256').update(sourceText).digest('hex'),
      generator: 'scripts/github-openapi-subset.mjs',
      operations: OPERATIONS,
    },
    paths: sortedPaths,
    components: sortedComponents,
  };
}

/** The subset file's text, exactly as committed. */
export function renderSubset(tarball = TARBALL) {
  const text = readFullSpec(tarball);
  return `${JSON.stringify(buildSubset(JSON.parse(text), text), null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = process.argv[2] ?? '';
  fetchTarball();
  if (arg === '--fetch') process.exit(0);
  const text = renderSubset();
  if (arg === '--check') {
    const current = existsSync(SUBSET_PATH) ? readFileSync(SUBSET_PATH, 'utf8') : '';
    if (current !== text) {
      console.error(`${SUBSET_PATH} is not current: run node scripts/github-openapi-subset.mjs`);
      process.exit(1);
    }
    process.exit(0);
  }
  mkdirSync(dirname(SUBSET_PATH), { recursive: true });
  writeFileSync(SUBSET_PATH, text);
  console.log(`wrote ${SUBSET_PATH} (${Math.round(text.length / 1024)} KiB)`);
}
