/**
 * The kubeconfig input: every secret field masked (tokens, keys, passwords, auth-provider fields, the decoded
 * PEM of *-data fields) before anything could print it; written 0600 under RUNNER_TEMP; removed after.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  maskKubeconfig,
  removeKubeconfig,
  writeKubeconfig,
} from '../../../../actions/shared/src/kube/kubeconfig.js';
import { UserInputError } from '../../../../actions/shared/src/runtime/errors.js';
import { clearSecretsForTests, redact } from '../../../../actions/shared/src/runtime/secrets.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
const KEY_DATA = Buffer.from(PEM).toString('base64');
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: { server: https://127.0.0.1:6443, certificate-authority-data: Q0EtZGF0YQ== }
users:
  - name: u
    user:
      token: tok-0123456789abcdef
      client-key-data: ${KEY_DATA}
      password: hunter2-pass
      auth-provider: { name: oidc, config: { id-token: idt-0123456789, refresh-token: rft-0123456789, client-secret: cs-0123456789 } }
contexts:
  - name: ctx
    context: { cluster: c, user: u }
current-context: ctx
`;

function masksIssued(run: () => void): string[] {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return writes.filter((w) => w.startsWith('::add-mask::')).map((w) => w.slice('::add-mask::'.length).trim());
}

afterEach(() => clearSecretsForTests());

describe('maskKubeconfig', () => {
  it('masks every secret field, the decoded PEM line by line, and the whole document last', () => {
    const masks = masksIssued(() => maskKubeconfig(KUBECONFIG));
    for (const secret of [
      'tok-0123456789abcdef',
      KEY_DATA,
      'hunter2-pass',
      'idt-0123456789',
      'rft-0123456789',
      'cs-0123456789',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    ])
      expect(masks, secret).toContain(secret);
    // the document itself is registered after its lines, so its %0A-escaped mask shows only masked values
    const whole = masks.findIndex((m) => m.includes('%0A') && m.includes('clusters'));
    const line = masks.indexOf('token: tok-0123456789abcdef');
    expect(whole).toBeGreaterThan(line);
    expect(line).toBeGreaterThanOrEqual(0);
  });

  it('redacts the values from files the runner never masks', () => {
    masksIssued(() => maskKubeconfig(KUBECONFIG));
    const text = redact(`token=tok-0123456789abcdef key=${KEY_DATA} pw=hunter2-pass\n${PEM}`);
    for (const secret of [
      'tok-0123456789abcdef',
      KEY_DATA,
      'hunter2-pass',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    ])
      expect(text).not.toContain(secret);
  });

  it('content that is not YAML is still masked line by line', () => {
    const masks = masksIssued(() => maskKubeconfig('token: [unclosed\nsecret-line-value'));
    expect(masks).toContain('secret-line-value');
  });
});

describe('writeKubeconfig and removeKubeconfig', () => {
  it('writes a 0600 file under RUNNER_TEMP (never the workspace), masked first; removal takes the folder', () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'kube-'));
    let path = '';
    const masks = masksIssued(() => {
      path = writeKubeconfig(KUBECONFIG, runnerTemp);
    });
    expect(masks).toContain('tok-0123456789abcdef');
    expect(path.startsWith(join(runnerTemp, 'ephemeral-kube-'))).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(KUBECONFIG);
    removeKubeconfig(path);
    expect(existsSync(dirname(path))).toBe(false);
    expect(() => removeKubeconfig(path)).not.toThrow();
    expect(() => removeKubeconfig('')).not.toThrow();
  });

  it.each([
    ['not YAML', 'clusters: [unclosed', /Input "kubeconfig:1:20": is not valid JSON or YAML/],
    [
      'a path, not the content',
      '/home/me/.kube/config',
      /Input "kubeconfig": is not a kubeconfig \(no "clusters"\)/,
    ],
  ])('refuses %s, naming the input', (_, content, message) => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'kube-'));
    const error = (() => {
      try {
        masksIssued(() => writeKubeconfig(content, runnerTemp));
      } catch (e) {
        return e as UserInputError;
      }
    })();
    expect(error).toBeInstanceOf(UserInputError);
    expect(error?.message).toMatch(message);
  });
});
