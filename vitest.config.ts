import { defineConfig } from 'vitest/config';

// Five projects: unit (pure logic), contract (action.yml ↔ code, GitHub's parsers and actionlint on every
// manifest and workflow, dist and docs current), integration (the bundled actions on a real Docker engine
// through the runner harness), k8s (the same against a real Kubernetes control plane) and act (every
// shipped and documented workflow run by nektos/act, an independent runner).
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          // @actions/workflow-parser imports its JSON schemas without an import attribute, which Node's own
          // loader refuses; transformed by vitest, it loads.
          server: { deps: { inline: ['@actions/workflow-parser'] } },
          // Rebundling every entry (dist is current) takes minutes on 2 cores while the other projects run.
          testTimeout: 1_200_000,
          hookTimeout: 1_200_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // One Docker engine on 2 cores: files run one after another.
          fileParallelism: false,
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'k8s',
          include: ['test/k8s/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          // One control plane on 2 cores: files run one after another.
          fileParallelism: false,
          globalSetup: ['test/k8s/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'act',
          include: ['test/act/**/*.test.ts'],
          testTimeout: 1_200_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
          globalSetup: ['test/act/global-setup.ts'],
          // After the other projects: its compose stacks and act runs would compete with theirs for 2 cores.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
