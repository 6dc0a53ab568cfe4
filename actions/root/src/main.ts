import * as core from '@actions/core';

core.setFailed(
  'org/ephemeral is a set of actions, not one: use org/ephemeral/<name>@v1 with <name> one of provision-compose, deploy-namespace, wait-ready, verify-seed, teardown (see README.md).',
);
