/**
 * Integration tests need a real Docker engine, Compose v2 and the stand-in images; `npm test` provides them
 * through scripts/machine/setup.sh. If any is missing, the run fails here and says why: nothing is skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const IMAGES = ['busybox:1.35', 'postgres:15', 'redis:7', 'node:20-slim', 'mariadb:10.11'];

function check(what: string, argv: string[], fix: string): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
  } catch (error) {
    throw new Error(
      `Integration tests cannot run: ${what} failed (${(error as Error).message.split('\n')[0]}). Fix: ${fix}`,
    );
  }
}

export default function setup(): void {
  check(
    'docker info',
    ['docker', 'info', '--format', '{{.ServerVersion}}'],
    'run `npm test` (it starts an engine via scripts/machine/setup.sh) or start Docker',
  );
  const version = check(
    'docker compose version',
    ['docker', 'compose', 'version', '--short'],
    'run scripts/machine/setup.sh to install the Compose v2 plugin',
  );
  if (!/^v?2\./.test(version.trim()))
    throw new Error(`Integration tests need Compose v2, found ${version.trim()}`);
  for (const image of IMAGES) {
    check(
      `docker image inspect ${image}`,
      ['docker', 'image', 'inspect', '--format', '{{.Id}}', image],
      'run scripts/machine/build-images.sh to build the stand-in images',
    );
  }
  for (const entry of [
    'dist/provision-compose/index.js',
    'dist/provision-compose/post.js',
    'dist/wait-ready/index.js',
    'dist/verify-seed/index.js',
    'dist/teardown/index.js',
  ]) {
    if (!existsSync(entry))
      throw new Error(
        `Integration tests run the bundled actions, and ${entry} is missing. Fix: npm run bundle`,
      );
  }
  const node = process.env.EPHEMERAL_TEST_NODE;
  if (node && !existsSync(node))
    throw new Error(`EPHEMERAL_TEST_NODE=${node} does not exist. Fix: bash scripts/machine/ensure-node24.sh`);
}
