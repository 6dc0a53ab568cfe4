/**
 * wait-ready's detection latency for the TCP probe (polled): a port that refuses connections until a flip
 * moment, when the bench starts listening on it, 2–4 s after wait-ready's step began. Detection latency =
 * the first accepted connection − the moment `listen` returned, both on this process's clock. The same
 * trial shape as the HTTP series (latency-bench.ts), so the report renders both alike.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { runJob } from '../test/harness/job.js';
import { FLIP_WINDOW_MS, type LatencyBenchOptions, type LatencySeries } from './latency-bench.js';

/** A port nothing listens on now (reserved by listening once and closing). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** One trial: the flip, the first accepted connection, the wait-ready job. */
async function trial(options: LatencyBenchOptions, series: LatencySeries) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let firstOkAt: number | null = null;
  let accepted = 0;
  const server: Server = createServer((socket) => {
    firstOkAt ??= performance.now();
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.end();
  });
  const startedAt = performance.now();
  let flipAt: number | null = null;
  const delay = FLIP_WINDOW_MS.from + Math.random() * (FLIP_WINDOW_MS.to - FLIP_WINDOW_MS.from);
  const flip = setTimeout(() => {
    server.listen(port, '127.0.0.1', () => {
      flipAt = performance.now();
    });
  }, delay);
  try {
    const job = await runJob({
      node: options.node,
      actionsRoot: options.actionsRoot,
      steps: [
        {
          id: 'ready',
          uses: 'wait-ready',
          with: { tcp: `127.0.0.1:${port}`, timeout: '60s', ...series.inputs },
        },
      ],
    });
    try {
      if (job.status !== 'success' || flipAt === null || firstOkAt === null)
        throw new Error(`wait-ready (tcp) failed (${series.label}):\n${job.logText().slice(-3000)}`);
      return {
        latencyMs: (firstOkAt as number) - flipAt,
        flipAfterMs: flipAt - startedAt,
        requests: accepted,
        straddleGapMs: Number.NaN,
        timeToReadyMs: Number(job.outputs('ready')['time-to-ready-ms']),
      };
    } finally {
      await job.cleanup();
    }
  } finally {
    clearTimeout(flip);
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The TCP series with a fixed interval (`backoff: 1`): target ≤ interval + the slack, like HTTP.
 * @throws Error when a wait-ready run fails
 */
export async function benchTcpLatency(options: LatencyBenchOptions): Promise<LatencySeries> {
  const interval =
    options.intervalMs % 1000 === 0 ? `${options.intervalMs / 1000}s` : `${options.intervalMs}ms`;
  const series: LatencySeries = {
    label: `tcp probe, fixed interval (interval ${interval}, backoff 1)`,
    timing: { intervalMs: options.intervalMs, backoff: 1, maxIntervalMs: 5000 },
    inputs: { interval, backoff: '1' },
    trials: [],
  };
  for (let i = 1; i <= options.runs; i++) {
    const t = await trial(options, series);
    series.trials.push(t);
    options.log(`latency ${i}/${options.runs}  tcp      ${Math.round(t.latencyMs)} ms after listen`);
  }
  return series;
}
