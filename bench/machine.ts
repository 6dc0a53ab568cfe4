/** What the benchmark ran on: CPUs, memory, kernel, Docker and Compose versions, Node versions. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { dockerVersions } from './docker.js';

/** The machine facts written into the report. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  dockerEngine: string;
  compose: string;
  /** Node version the actions ran under (EPHEMERAL_TEST_NODE). */
  actionsNode: string;
  /** Node version of the benchmark process itself (the harness, the HTTP server). */
  benchNode: string;
  /** The example's base images that are local stand-ins (scripts/machine/build-images.sh), not the official ones. */
  standIns: string[];
}

/** Base images of examples/compose-app (postgres, redis; node for the api build). */
const EXAMPLE_IMAGES = ['postgres:15', 'redis:7', 'node:20-slim'];

/** The images among `images` labelled `org.ephemeral.stand-in=true`. */
function standIns(images: string[]): string[] {
  return images.filter((image) => {
    try {
      const label = execFileSync(
        'docker',
        ['image', 'inspect', '--format', '{{index .Config.Labels "org.ephemeral.stand-in"}}', image],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
      return label === 'true';
    } catch {
      return false;
    }
  });
}

/** Collects the machine facts; `actionsNodePath` is the Node binary that runs the actions. */
export function machineInfo(actionsNodePath: string): MachineInfo {
  const { engine, compose } = dockerVersions();
  let actionsNode = 'unknown';
  try {
    actionsNode = execFileSync(actionsNodePath, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    dockerEngine: engine,
    compose,
    actionsNode,
    benchNode: process.version,
    standIns: standIns(EXAMPLE_IMAGES),
  };
}
