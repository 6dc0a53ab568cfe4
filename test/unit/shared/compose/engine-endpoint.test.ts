/** Which socket the docker CLI would use: the default one, DOCKER_HOST's Unix socket, or no answer. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, engineSocket } from '../../../../actions/shared/src/compose/engine-endpoint.js';

describe('the Engine API socket look-up', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'engine-endpoint-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const config = (content: string, dir = join(home, '.docker')) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), content);
  };
  const socket = (env: NodeJS.ProcessEnv = {}) => engineSocket({ env, home });

  it('no DOCKER_HOST, no context, no config file: the default socket', () => {
    expect(socket()).toBe(DEFAULT_SOCKET);
    expect(DEFAULT_SOCKET).toBe('/var/run/docker.sock');
  });

  it('DOCKER_HOST with an absolute Unix socket: that socket; any other host: no answer', () => {
    expect(socket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
    expect(socket({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toBeNull();
    expect(socket({ DOCKER_HOST: 'ssh://user@host' })).toBeNull();
    expect(socket({ DOCKER_HOST: 'unix://relative.sock' })).toBeNull();
  });

  it('DOCKER_HOST wins over the config file, as in the CLI, but not beside DOCKER_CONTEXT', () => {
    config('{"currentContext": "remote"}');
    expect(socket({ DOCKER_HOST: 'unix:///tmp/d.sock' })).toBe('/tmp/d.sock');
    expect(socket({ DOCKER_HOST: 'unix:///tmp/d.sock', DOCKER_CONTEXT: 'default' })).toBeNull();
  });

  it('a named context, from DOCKER_CONTEXT or the config file: no answer; "default" is the default socket', () => {
    expect(socket({ DOCKER_CONTEXT: 'remote' })).toBeNull();
    expect(socket({ DOCKER_CONTEXT: 'default' })).toBe(DEFAULT_SOCKET);
    config('{"currentContext": "remote"}');
    expect(socket()).toBeNull();
    expect(socket({ DOCKER_CONTEXT: 'default' })).toBe(DEFAULT_SOCKET);
    config('{"currentContext": "default", "auths": {}}');
    expect(socket()).toBe(DEFAULT_SOCKET);
  });

  it('DOCKER_CONFIG is where the config file is read', () => {
    const dir = join(home, 'elsewhere');
    config('{"currentContext": "remote"}', dir);
    expect(socket()).toBe(DEFAULT_SOCKET);
    expect(socket({ DOCKER_CONFIG: dir })).toBeNull();
  });

  it('a config file it cannot read or that is not an object, or a pinned API version: no answer', () => {
    config('{not json');
    expect(socket()).toBeNull();
    config('[]');
    expect(socket()).toBeNull();
    config('{"currentContext": 3}');
    expect(socket()).toBeNull();
    config('{}');
    expect(socket()).toBe(DEFAULT_SOCKET);
    expect(socket({ DOCKER_API_VERSION: '1.41' })).toBeNull();
  });
});
