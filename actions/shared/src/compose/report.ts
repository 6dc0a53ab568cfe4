/**
 * The `services` section of a report (provision-compose, and wait-ready after a failure): each service's
 * state, health, exit code, verdict, published ports and containers, and a table in the job summary.
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
      const state = s.exitCode !== null ? `${s.state} (exit ${s.exitCode})` : s.state;
      lines.push(`| ${cell(name)} | ${cell(state)} | ${cell(s.health || '—')} | ${ports || '—'} |`);
    }
    lines.push('');
    return lines;
  }
}
