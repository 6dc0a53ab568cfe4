/**
 * A real OCI registry for the tests, on loopback only: the CNCF Distribution registry built by
 * scripts/tools/build.sh registry (`EPHEMERAL_TEST_REGISTRY`), run as a child process on
 * 127.0.0.1:<free port> with a temporary storage directory. Docker pushes and pulls to 127.0.0.0/8 over
 * plain HTTP by default, and Helm with `--plain-http`; an image pulled from it has real RepoDigests.
 * If the binary is missing the test fails and says how to get it: nothing is skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:<port>`: prefix image names with it. */
  host: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUp(host: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the test registry exited (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test registry did not answer on http://${host}/v2/ within 30 s:\n${log()}`);
}

/**
 * Starts a registry.
 * @throws Error when EPHEMERAL_TEST_REGISTRY is unset or missing, or the registry does not come up
 */
export async function startRegistry(): Promise<TestRegistry> {
  const binary = process.env.EPHEMERAL_TEST_REGISTRY ?? '';
  if (!binary || !existsSync(binary))
    throw new Error(
      `No test registry binary (EPHEMERAL_TEST_REGISTRY=${binary || '(unset)'}). Fix: run through npm test, or export EPHEMERAL_TEST_REGISTRY="$(bash scripts/tools/build.sh registry)"`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'ephemeral-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      '  delete: { enabled: true }',
      `http: { addr: ${host} }`,
      '',
    ].join('\n'),
  );
  let output = '';
  const child = spawn(binary, ['serve', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    },
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitUp(host, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
