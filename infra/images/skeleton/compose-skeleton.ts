// infra/compose/compose.yaml brought up with podman-compose, then the walking skeleton through its gateway
// (infra/compose/test-compose.sh runs it once the images and the local postgres/nats stand-ins exist):
//   node -r ./infra/register.js infra/images/skeleton/compose-skeleton.ts <image tag, e.g. dev>
// The secrets are fresh (infra/compose/generate-env.js) and reach podman-compose through its environment; the project
// (containers, network, volumes) is removed at the end, whatever the outcome.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { es256SigningKeyFromPem, mintDevToken } from '@mutuo/platform';
import { answersOk, freePort, uniqueSuffix, waitFor } from '@mutuo/testing';
import { podman } from './container-region';
import { gatewayData, walkingSkeleton } from './walking-skeleton';

const ROOT = join(__dirname, '..', '..', '..');
const COMPOSE_FILE = join(ROOT, 'infra', 'compose', 'compose.yaml');
const PROJECTS = ['membership', 'requests', 'matching', 'funds', 'notifications', 'gateway'];

function generatedEnv(region: string): Record<string, string> {
  const text = execFileSync(process.execPath, [join(ROOT, 'infra', 'compose', 'generate-env.js'), region], { encoding: 'utf8' });
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function podmanCompose(project: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman-compose', ['-p', project, '-f', COMPOSE_FILE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function projectLogs(project: string): Promise<string> {
  const names = (await podman(['ps', '--all', '--format', '{{.Names}}', '--filter', `label=io.podman.compose.project=${project}`])).output
    .split('\n')
    .filter(Boolean);
  const parts = await Promise.all(names.map(async (name) => `--- ${name}\n${(await podman(['logs', '--tail', '20', name])).output}`));
  return parts.join('\n');
}

async function main(): Promise<void> {
  const tag = process.argv[2] ?? 'dev';
  const suffix = uniqueSuffix();
  const project = `mutuo-ct-${suffix}`.toLowerCase();
  const gatewayPort = await freePort();
  const secrets = generatedEnv('compose-test');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    ...Object.fromEntries(PROJECTS.map((name) => [`${name.toUpperCase()}_IMAGE`, `localhost/mutuo-${name}:${tag}`])),
    POSTGRES_IMAGE: 'localhost/mutuo-postgres-local:test',
    NATS_IMAGE: 'localhost/mutuo-nats-local:test',
    GATEWAY_PORT: String(gatewayPort),
    // Nothing listens there: the scenario sends no mail (members have no contact addresses), but production needs one.
    NOTIFICATIONS_SMTP_URL: 'smtp://127.0.0.1:2525',
    NOTIFICATIONS_MAIL_FROM: 'Mutuo <no-reply@compose-test.invalid>',
    NOTIFICATIONS_PUBLIC_URL: 'https://compose-test.invalid',
  };
  const startedAt = Date.now();
  let failed = false;
  try {
    const up = await podmanCompose(project, ['up', '-d'], env);
    if (up.code !== 0) throw new Error(`podman-compose up failed (exit ${up.code}):\n${up.output.slice(-3000)}`);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitFor(() => answersOk(`${gatewayUrl}/health/ready`), { description: 'the compose gateway to be ready', timeoutMs: 600_000, intervalMs: 1000 });
    const ready = Date.now();
    process.stdout.write(`compose-skeleton: podman-compose region ready in ${((ready - startedAt) / 1000).toFixed(1)} s\n`);
    const signing = { key: es256SigningKeyFromPem(secrets.MEMBERSHIP_SIGNING_KEY!), issuer: secrets.JWT_ISSUER, audience: secrets.JWT_AUDIENCE };
    await walkingSkeleton({
      suffix,
      token: (subject, podId, roles) => mintDevToken({ subject, podId, roles }, signing),
      data: (token, query, variables) => gatewayData(`${gatewayUrl}/graphql`, token, query, variables),
    });
    process.stdout.write(`compose-skeleton: walking skeleton passed through the compose gateway in ${((Date.now() - ready) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`compose-skeleton: FAILED: ${error instanceof Error ? error.message : String(error)}\n${await projectLogs(project)}\n`);
  } finally {
    const down = await podmanCompose(project, ['down', '-v', '-t', '10'], env);
    if (down.code !== 0) process.stderr.write(`compose-skeleton: podman-compose down failed:\n${down.output.slice(-2000)}\n`);
    // A container the restart policy brought back while `down` ran would keep the network: remove what is left.
    const leftovers = (await podman(['ps', '--all', '--quiet', '--filter', `label=io.podman.compose.project=${project}`])).output.split('\n').filter(Boolean);
    if (leftovers.length > 0) await podman(['rm', '--force', ...leftovers]);
    await podman(['network', 'rm', '--force', `${project}_default`]);
  }
  process.exit(failed ? 1 : 0);
}

void main();
