/** Where the docker CLI finds its Compose plugin: the same order, and no answer when it cannot be sure. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findComposePlugin,
  isDirectPluginArgv,
  pluginDirs,
} from '../../../../actions/shared/src/compose/plugin-path.js';

describe('the Compose plugin look-up', () => {
  let root: string;
  let home: string;
  let system: string[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'plugin-path-'));
    home = join(root, 'home');
    system = [join(root, 'usr-local-lib'), join(root, 'usr-libexec')];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const plugin = (dir: string, mode = 0o755): string => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'docker-compose');
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };
  const find = (env: NodeJS.ProcessEnv = {}) => findComposePlugin({ env, home, systemDirs: system });

  it('searches the config file extra dirs, the user dir, then the system dirs, in that order', () => {
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ cliPluginsExtraDirs: [join(root, 'extra')] }),
    );
    expect(pluginDirs({ env: {}, home, systemDirs: system })).toEqual([
      join(root, 'extra'),
      join(home, '.docker', 'cli-plugins'),
      ...system,
    ]);
    const last = plugin(system[1]!);
    expect(find()).toBe(last);
    const first = plugin(system[0]!);
    expect(find()).toBe(first);
    const user = plugin(join(home, '.docker', 'cli-plugins'));
    expect(find()).toBe(user);
    const extra = plugin(join(root, 'extra'));
    expect(find()).toBe(extra);
  });

  it('reads DOCKER_CONFIG for the user dir and its config file', () => {
    const config = join(root, 'cfg');
    const path = plugin(join(config, 'cli-plugins'));
    plugin(system[0]!);
    expect(find({ DOCKER_CONFIG: config })).toBe(path);
  });

  it('finds nothing when there is no plugin', () => {
    expect(find()).toBeNull();
  });

  it.each([
    [
      'a config file that is not JSON',
      () => {
        mkdirSync(join(home, '.docker'), { recursive: true });
        writeFileSync(join(home, '.docker', 'config.json'), '{');
      },
    ],
    [
      'extra dirs that are not a list of strings',
      () => {
        mkdirSync(join(home, '.docker'), { recursive: true });
        writeFileSync(join(home, '.docker', 'config.json'), '{"cliPluginsExtraDirs": "x"}');
      },
    ],
    [
      'a relative extra dir (the CLI resolves it against its own working directory)',
      () => {
        mkdirSync(join(home, '.docker'), { recursive: true });
        writeFileSync(join(home, '.docker', 'config.json'), '{"cliPluginsExtraDirs": ["plugins"]}');
      },
    ],
    ['a first candidate that is not executable', () => plugin(system[0]!, 0o644)],
    [
      'a first candidate that is a directory',
      () => mkdirSync(join(system[0]!, 'docker-compose'), { recursive: true }),
    ],
  ])('defers to the docker CLI (finds nothing) with %s', (_what, arrange) => {
    arrange();
    plugin(system[1]!);
    expect(find()).toBeNull();
  });

  it('defers to the docker CLI when DOCKER_CLI_PLUGIN_EXTRA_DIRS is set', () => {
    plugin(system[0]!);
    expect(find({ DOCKER_CLI_PLUGIN_EXTRA_DIRS: join(root, 'x') })).toBeNull();
  });

  it.each([
    [['/usr/libexec/docker/cli-plugins/docker-compose'], true],
    [['docker-compose'], false],
    [['/usr/bin/docker'], false],
    [['/usr/libexec/docker/cli-plugins/docker-compose', 'compose'], false],
  ])('isDirectPluginArgv(%j) = %s', (argv, expected) => {
    expect(isDirectPluginArgv(argv)).toBe(expected);
  });
});
