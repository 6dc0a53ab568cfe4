#!/usr/bin/env node
// The example's end-to-end test, run by `npm run e2e` in the README's per-PR workflow against the
// environment provision-compose started: API_URL is the api's published address (http://host:port).
// No dependencies (Node's fetch); exits non-zero on the first failed expectation.
const base = process.env.API_URL;
if (!base) {
  console.error('API_URL is not set: pass the api address, e.g. http://127.0.0.1:49153');
  process.exit(2);
}

async function get(path) {
  const response = await fetch(new URL(path, base), { signal: AbortSignal.timeout(10_000) });
  const body = await response.json();
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const checks = [
  ['/health', (b) => b.status === 'ok' && b.db === 'up' && b.cache === 'up'],
  ['/api/orders/count', (b) => b.count === 5],
  ['/api/users', (b) => Array.isArray(b) && b.length > 0],
];
for (const [path, ok] of checks) {
  const body = await get(path);
  if (!ok(body)) {
    console.error(`e2e: GET ${path} returned an unexpected body: ${JSON.stringify(body)}`);
    process.exit(1);
  }
  console.log(`e2e: GET ${path} ok`);
}
