/**
 * Compose's report sections: `services` (provision-compose, and wait-ready after a failure): each service's
 * state, health, exit code, verdict, published ports, containers and whether it is a one-shot, with a
 * table in the job summary; and `isolation` (provision-compose): what the isolation guard changed for this
 * environment, one line each.
 */
import type { ReportSection } from '../report/model.js';
import { cell } from '../report/summary.js';
import type { ServiceMap } from './status.js';

/** The services of a Compose environment, as last seen. */
export class ServicesSection implements ReportSection {
  /** Service name → status; `{}` until read. */
  services: ServiceMap = {};

  fields(): Record<string, unknown> {
    return Object.keys(this.services).length > 0 ? { services: this.services } : {};
  }

  summary(): string[] {
    const entries = Object.entries(this.services);
    if (entries.length === 0) return [];
    const lines = ['| Service | State | Health | Ports |', '|---|---|---|---|'];
    for (const [name, s] of entries) {
      const ports = Object.entries(s.ports)
        .map(([k, v]) => `${k} → \`${v}\``)
        .join('<br>');
      const exit = s.exitCode !== null && s.state !== 'running' ? ` (exit ${s.exitCode})` : '';
      const state = `${s.state}${exit}${s.oneShot ? ' · one-shot' : ''}${s.reason ? ` — ${s.reason}` : ''}`;
      lines.push(`| ${cell(name)} | ${cell(state)} | ${cell(s.health || '—')} | ${ports || '—'} |`);
    }
    lines.push('');
    return lines;
  }
}

/** What the isolation guard changed: host ports, container names, network and volume names, one-shots. */
export class IsolationSection implements ReportSection {
  /** One line per change; `[]` until the guard ran. */
  lines: string[] = [];

  fields(): Record<string, unknown> {
    return this.lines.length > 0 ? { isolation: this.lines } : {};
  }

  summary(): string[] {
    if (this.lines.length === 0) return [];
    return ['**Isolation:**', ...this.lines.map((line) => `- ${cell(line)}`), ''];
  }
}
