// Example API for the compose-app stack: node:http (no framework), PostgreSQL via `pg`, Redis via `redis`.
//
//   GET /health            200 {"status":"ok","commit","fixtureVersion","db":"up","cache":"up"}
//                          503 {"status":"degraded",...} when PostgreSQL or Redis is down or the seed is missing
//   GET /api/users         JSON array of users, ordered by id
//   GET /api/orders/count  {"count": n}
//   GET /api/fixture       {"version": "<fixture_meta.fixture_version>"}
//
// Environment: PORT (8080), APP_COMMIT_SHA, REDIS_URL, PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE.
// SIGTERM/SIGINT: stop accepting, close connections and clients, exit 0 (forced exit after 5 s).
import http from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';

const PORT = Number(process.env.PORT || 8080);
const COMMIT = process.env.APP_COMMIT_SHA || 'dev';
const CHECK_TIMEOUT_MS = 1500;
const SHUTDOWN_TIMEOUT_MS = 5000;

let shuttingDown = false;

function log(message, extra = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), message, ...extra })}\n`);
}

// --- clients -------------------------------------------------------------------------------------------

const pool = new pg.Pool({
  max: 5,
  connectionTimeoutMillis: 2000,
  idleTimeoutMillis: 10000,
  query_timeout: 3000,
  statement_timeout: 3000,
});
pool.on('error', (err) => log('postgres idle client error', { error: err.message }));

const redis = createClient({
  url: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  // Fail commands at once while disconnected instead of queueing them (a health check must not hang).
  disableOfflineQueue: true,
  socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
});
let lastRedisError = '';
redis.on('error', (err) => {
  // Reconnect attempts repeat the same error; log each distinct one once.
  if (err.message !== lastRedisError) log('redis error', { error: err.message });
  lastRedisError = err.message;
});
redis.on('ready', () => {
  lastRedisError = '';
  log('redis ready');
});

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function fixtureVersion() {
  const { rows } = await pool.query("SELECT value FROM fixture_meta WHERE key = 'fixture_version'");
  return rows.length > 0 ? rows[0].value : null;
}

// --- handlers ------------------------------------------------------------------------------------------

async function health() {
  const [db, cache] = await Promise.allSettled([
    withTimeout(fixtureVersion(), CHECK_TIMEOUT_MS, 'postgres'),
    withTimeout(
      redis.isReady ? redis.ping() : Promise.reject(new Error('not connected')),
      CHECK_TIMEOUT_MS,
      'redis',
    ),
  ]);
  const body = {
    status: 'ok',
    commit: COMMIT,
    fixtureVersion: db.status === 'fulfilled' ? db.value : null,
    db: db.status === 'fulfilled' ? 'up' : 'down',
    cache: cache.status === 'fulfilled' ? 'up' : 'down',
  };
  const errors = {};
  if (db.status === 'rejected') errors.db = db.reason.message;
  if (cache.status === 'rejected') errors.cache = cache.reason.message;
  if (body.db === 'up' && body.fixtureVersion === null)
    errors.fixture = 'fixture_meta has no fixture_version';
  if (shuttingDown) errors.server = 'shutting down';
  if (Object.keys(errors).length > 0) {
    body.status = 'degraded';
    body.errors = errors;
    return [503, body];
  }
  return [200, body];
}

async function users() {
  const { rows } = await pool.query('SELECT id, email, name, created_at FROM users ORDER BY id');
  return [200, rows.map((r) => ({ id: r.id, email: r.email, name: r.name, createdAt: r.created_at }))];
}

async function ordersCount() {
  const { rows } = await pool.query('SELECT count(*)::int AS count FROM orders');
  return [200, { count: rows[0].count }];
}

async function fixture() {
  const version = await fixtureVersion();
  return version === null ? [404, { version: null, error: 'fixture not loaded' }] : [200, { version }];
}

const routes = {
  '/health': health,
  '/api/users': users,
  '/api/orders/count': ordersCount,
  '/api/fixture': fixture,
};

function send(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...(shuttingDown ? { connection: 'close' } : {}),
  });
  res.end(payload);
}

const server = http.createServer(async (req, res) => {
  const started = Date.now();
  const pathname = new URL(req.url || '/', 'http://localhost').pathname;
  const handler = routes[pathname];
  let status = 500;
  try {
    if (!handler) {
      status = 404;
      send(res, status, { error: 'not found', path: pathname });
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      status = 405;
      res.setHeader('allow', 'GET, HEAD');
      send(res, status, { error: 'method not allowed' });
    } else {
      const [code, body] = await handler();
      status = code;
      send(res, status, body);
    }
  } catch (err) {
    status = 503;
    log('request failed', { path: pathname, error: err.message });
    send(res, status, { error: 'dependency unavailable', detail: err.message });
  }
  // The container health check calls /health every second; log only the interesting ones.
  if (pathname !== '/health' || status !== 200) {
    log('request', { method: req.method, path: pathname, status, ms: Date.now() - started });
  }
});
server.keepAliveTimeout = 5000;

// --- lifecycle -----------------------------------------------------------------------------------------

async function shutdown(signal) {
  if (shuttingDown) {
    log(`received ${signal} again, exiting now`);
    process.exit(1);
  }
  shuttingDown = true;
  log(`received ${signal}, shutting down`);
  setTimeout(() => {
    log('shutdown timed out, forcing exit');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();

  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  // In-flight requests get a moment to finish (queries time out after 3 s anyway).
  setTimeout(() => server.closeAllConnections(), 1000).unref();
  const results = await Promise.allSettled([
    closed,
    pool.end(),
    redis.isReady ? redis.close() : Promise.resolve(redis.isOpen && redis.destroy()),
  ]);
  for (const r of results)
    if (r.status === 'rejected') log('shutdown step failed', { error: String(r.reason) });
  log('shutdown complete');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

// Listen first so /health can report "degraded" while Redis is still connecting.
server.listen(PORT, '0.0.0.0', () => log('listening', { port: PORT, commit: COMMIT }));
redis.connect().catch((err) => log('redis connect failed', { error: err.message }));
