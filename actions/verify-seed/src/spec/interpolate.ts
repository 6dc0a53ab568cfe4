/**
 * `${VAR}` and `${VAR:-default}` in connection fields, HTTP headers, SQL parameters and declared values,
 * taken from the step's environment, as Compose interpolates (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/):
 * `$${` is a literal `${`. So a spec committed to the repository names `${POSTGRES_PASSWORD}` and the workflow
 * passes the secret in `env:` — the value is never written in a file.
 */

/** The result of interpolating one text. */
export interface Interpolated {
  value: string;
  /** Variables that were read (set or defaulted), in order. */
  used: string[];
}

/** A `${VAR}` without a default whose variable is not set. */
export class UnsetVariableError extends Error {
  constructor(readonly variable: string) {
    super(`\${${variable}} is not set`);
  }
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces every `${VAR}` / `${VAR:-default}` in `text` (`:-` also applies when VAR is empty).
 * @throws UnsetVariableError when a variable without a default is unset
 */
export function interpolate(text: string, env: NodeJS.ProcessEnv): Interpolated {
  const used: string[] = [];
  const value = text.replace(REFERENCE, (_whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    used.push(name);
    const current = env[name];
    if (current !== undefined && current !== '') return current;
    if (fallback !== undefined) return fallback;
    if (current === '') return '';
    throw new UnsetVariableError(name);
  });
  return { value, used };
}
