// docker/login-action stand-in for the act suite: see action.yml.
const registry = (process.env.INPUT_REGISTRY ?? '').trim();
if (!registry) {
  console.log(
    '::error::login-action stand-in: the registry input is empty (the workflow names its registry)',
  );
  process.exit(1);
}
console.log(`no login to ${registry}: the act suite has no registry (stand-in for docker/login-action@v3)`);
