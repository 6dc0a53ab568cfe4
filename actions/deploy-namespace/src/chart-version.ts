/**
 * The `chart-version` input: '' or a SemVer version or constraint as Helm reads `--version`
 * (Masterminds/semver constraints, https://helm.sh/docs/helm/helm_install/ and
 * https://github.com/Masterminds/semver#checking-version-constraints): `1.2.3`, `^1.2`, `~1.2.0`, `1.2.x`,
 * `>=1.2 <2`, `>= 1.2, < 2` (a comma is AND), `1.x || 2.x`. Checked with npm's `semver`, whose grammar is
 * the same apart from the comma, which is read as AND here.
 *
 * Helm ignores `--version` for a local chart; here a local chart's own Chart.yaml `version` must satisfy
 * the constraint instead, so a pin is never silently ignored (issue 9).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { UserInputError } from '../../shared/src/runtime/errors.js';
import { tarEntries } from '../../shared/src/runtime/tar-entries.js';

const FIX =
  'use a SemVer version or constraint as Helm reads it, e.g. 1.4.2, ^1.4, ~1.4.0, ">=1.4 <2", or leave it empty for the latest';

/** The constraint in npm `semver`'s grammar ('' when `value` is not one): commas become spaces (AND). */
function asRange(value: string): string {
  return semver.validRange(value.replace(/,/g, ' '), { loose: true }) ?? '';
}

/** `version` from a Chart.yaml text, or '' when there is none. */
function versionOf(chartYaml: string): string {
  try {
    const doc = parse(chartYaml) as { version?: unknown } | null;
    return doc && typeof doc === 'object' && doc.version !== undefined ? String(doc.version) : '';
  } catch {
    return '';
  }
}

/** `chart` when it is a local chart (an absolute path that exists, as `resolveChart` returns it), else ''. */
export function localChartPath(chart: string): string {
  return chart && isAbsolute(chart) && existsSync(chart) ? chart : '';
}

/** The Chart.yaml of a local chart folder or packaged `.tgz` (its `<top>/Chart.yaml` entry); '' if none. */
export function localChartYaml(chart: string): string {
  if (statSync(chart).isDirectory()) {
    try {
      return readFileSync(join(chart, 'Chart.yaml'), 'utf8');
    } catch {
      return '';
    }
  }
  const [first] = tarEntries(readFileSync(chart), (path) => /^[^/]+\/Chart\.yaml$/.test(path));
  return first ? first[1].toString('utf8') : '';
}

/**
 * Reads `chart-version`.
 * @param value the input ('' = the latest, as Helm)
 * @param chart the chart as `resolveChart` returns it: a local folder or `.tgz` (absolute), a repository
 *   or OCI reference, or ''
 * @returns the value as given (Helm reads it itself)
 * @throws UserInputError naming `input` when it is not a version or constraint, or when a local chart's
 *   version does not satisfy it
 */
export function readChartVersion(input: string, value: string, chart: string): string {
  if (value === '') return '';
  const range = asRange(value);
  if (!range || /[^\w.\-+<>=~^|*, ]/.test(value))
    throw new UserInputError(input, `"${value}" is not a SemVer version or constraint`, FIX);
  const localChart = localChartPath(chart);
  if (!localChart) return value;
  const version = versionOf(localChartYaml(localChart));
  if (!semver.valid(version, { loose: true }) || !semver.satisfies(version, range, { loose: true }))
    throw new UserInputError(
      input,
      `is "${value}", but the local chart ${localChart} is version "${version || '(none)'}" and Helm ignores --version for a local chart`,
      `bump the chart's Chart.yaml version, change "${input}" to match it, or leave "${input}" empty`,
    );
  return value;
}
