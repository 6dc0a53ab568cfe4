// docker/build-push-action stand-in for the act suite: see action.yml. Plain Node, no dependencies; argv
// arrays, no shell; the file commands are appended as the runner documents them
// (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const fail = (message) => {
  console.log(`::error::build-push-action stand-in: ${message}`);
  process.exit(1);
};
const tags = input('tags')
  .split(/[\n,]/)
  .map((t) => t.trim())
  .filter(Boolean);
if (tags.length === 0) fail('the tags input is empty: give the image name(s) to build');
const context = input('context') || '.';
const file = input('file');
const build = ['build', ...tags.flatMap((t) => ['-t', t]), ...(file ? ['-f', file] : []), context];
try {
  execFileSync('docker', build, { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (error) {
  fail(`docker ${build.join(' ')} failed: ${error.message}`);
}
const id = execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tags[0]], {
  encoding: 'utf8',
}).trim();
if (input('push') === 'true') {
  const socket = process.env.EPHEMERAL_K8S_REAL_NODE_CONTAINERD;
  if (!socket)
    fail('EPHEMERAL_K8S_REAL_NODE_CONTAINERD is not set: the test cluster has no real node to push to');
  await new Promise((resolve) => {
    const save = spawn('docker', ['save', ...tags], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ctr = spawn('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', '-'], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    save.stdout.pipe(ctr.stdin);
    ctr.on('error', (error) => fail(`ctr could not start: ${error.message}`));
    ctr.on('close', (code) => (code === 0 ? resolve() : fail(`ctr images import exited with ${code}`)));
  });
  console.log(
    `${tags.join(', ')} imported into the real node (stand-in for docker/build-push-action@v6's push)`,
  );
}
appendFileSync(process.env.GITHUB_OUTPUT, `imageid=${id}\ndigest=${id}\n`);
