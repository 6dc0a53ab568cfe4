// Deterministic, idempotent seed for the compose-app example.
//
// Loads fixtures/seed.json + fixtures/VERSION into PostgreSQL and Redis. Every run leaves exactly the same
// data behind (no timestamps, no random ids, no sequences): PostgreSQL is rewritten in one transaction,
// Redis in one MULTI/EXEC. Run by the `seed` one-shot service (`node seed.js`) after `migrate`.
//
// Environment: PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE (read by `pg`), REDIS_URL, FIXTURE_DIR.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from 'redis';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = process.env.FIXTURE_DIR || path.join(here, '..', 'fixtures');
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const REDIS_KEYS = {
  version: 'fixture:version',
  flags: 'feature:flags',
  skus: 'catalog:skus',
};

function log(message, extra = {}) {
  process.stdout.write(`${JSON.stringify({ component: 'seed', message, ...extra })}\n`);
}

function loadFixtures() {
  const version = readFileSync(path.join(fixtureDir, 'VERSION'), 'utf8').trim();
  if (!/^[0-9A-Za-z][0-9A-Za-z._-]*$/.test(version)) {
    throw new Error(`fixtures/VERSION must be a single token like 2026.11.1, got ${JSON.stringify(version)}`);
  }
  const data = JSON.parse(readFileSync(path.join(fixtureDir, 'seed.json'), 'utf8'));
  return { version, ...data };
}

async function seedPostgres(fx) {
  const client = new pg.Client({ connectionTimeoutMillis: 5000, statement_timeout: 10000 });
  await client.connect();
  try {
    await client.query('BEGIN');
    // Child rows first; then replace everything the seed owns. Readers see the old or the new set, never a mix.
    await client.query('DELETE FROM orders');
    await client.query('DELETE FROM users');
    await client.query('DELETE FROM fixture_meta');
    for (const u of fx.users) {
      await client.query('INSERT INTO users (id, email, name, created_at) VALUES ($1, $2, $3, $4)', [
        u.id,
        u.email,
        u.name,
        u.createdAt,
      ]);
    }
    for (const o of fx.orders) {
      await client.query(
        'INSERT INTO orders (id, user_id, sku, quantity, total_cents, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [o.id, o.userId, o.sku, o.quantity, o.totalCents, o.status, o.createdAt],
      );
    }
    await client.query("INSERT INTO fixture_meta (key, value) VALUES ('fixture_version', $1)", [fx.version]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

async function seedRedis(fx) {
  const client = createClient({
    url: redisUrl,
    disableOfflineQueue: true,
    socket: { connectTimeout: 5000, reconnectStrategy: false },
  });
  client.on('error', () => {}); // surfaced through the rejected command instead
  await client.connect();
  try {
    await client
      .multi()
      .del([REDIS_KEYS.version, REDIS_KEYS.flags, REDIS_KEYS.skus])
      .set(REDIS_KEYS.version, fx.version)
      .hSet(REDIS_KEYS.flags, fx.redis.featureFlags)
      .sAdd(REDIS_KEYS.skus, fx.redis.catalogSkus)
      .exec();
  } finally {
    await client.close();
  }
}

async function main() {
  const started = Date.now();
  const fx = loadFixtures();
  await seedPostgres(fx);
  await seedRedis(fx);
  log('seed applied', {
    fixtureVersion: fx.version,
    users: fx.users.length,
    orders: fx.orders.length,
    redisKeys: Object.values(REDIS_KEYS),
    ms: Date.now() - started,
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    log('seed failed', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
