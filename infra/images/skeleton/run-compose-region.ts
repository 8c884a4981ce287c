// infra/compose/compose.yaml brought up with Compose v2 (infra/compose/test-compose.sh finds it and starts the podman
// service it talks to), then the walking skeleton through its gateway, one service upgraded alone, the skeleton again:
//   node -r ./infra/register.js infra/images/skeleton/run-compose-region.ts <image tag, e.g. dev>
// Needs MUTUO_COMPOSE (the compose command line) and DOCKER_HOST. The secrets are fresh (generate-env.js) and reach
// compose through an env file of the run; the project (containers, networks, volumes) is removed whatever the outcome.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { es256SigningKeyFromPem, mintDevToken } from '@mutuo/platform';
import { answersOk, freePort, uniqueSuffix, waitFor } from '@mutuo/testing';
import { podman } from './container-region';
import { gatewayData, walkingSkeleton } from './walking-skeleton';
import { generatedEnv, keepHealthchecksRunning } from './compose-region';

const COMPOSE_FILE = join(__dirname, '..', '..', 'compose', 'compose.yaml');
const PROJECTS = ['membership', 'requests', 'matching', 'funds', 'notifications', 'gateway'];
/** The service upgraded alone while the others keep running. */
const UPGRADED = 'requests';
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string): boolean => process.stdout.write(`compose-region: ${line}\n`);

function compose(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  const [command, ...prefix] = (process.env.MUTUO_COMPOSE ?? 'docker compose').split(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...prefix, ...args], { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  const tag = process.argv[2] ?? 'dev';
  const project = `mutuo-ct-${uniqueSuffix()}`.toLowerCase();
  const gatewayPort = await freePort();
  const secrets = generatedEnv('compose-test', {
    ...Object.fromEntries(PROJECTS.map((name) => [`${name.toUpperCase()}_IMAGE`, `localhost/mutuo-${name}:${tag}`])),
    POSTGRES_IMAGE: 'localhost/mutuo-postgres-local:test',
    NATS_IMAGE: 'localhost/mutuo-nats-local:test',
    GATEWAY_PORT: String(gatewayPort),
    // Nothing listens there: the scenario sends no mail (members have no contact addresses), but production needs one.
    NOTIFICATIONS_SMTP_URL: 'smtp://127.0.0.1:2525',
    NOTIFICATIONS_MAIL_FROM: 'Mutuo <no-reply@compose-test.invalid>',
    NOTIFICATIONS_PUBLIC_URL: 'https://compose-test.invalid',
  });
  const envDir = mkdtempSync(join(tmpdir(), 'mutuo-compose-'));
  const envFile = join(envDir, '.env');
  writeFileSync(
    envFile,
    Object.entries(secrets)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const base = ['-p', project, '-f', COMPOSE_FILE, '--env-file', envFile];
  const healthchecks = keepHealthchecksRunning(project);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const signing = { key: es256SigningKeyFromPem(secrets.MEMBERSHIP_SIGNING_KEY!), issuer: secrets.JWT_ISSUER, audience: secrets.JWT_AUDIENCE };
  const skeleton = (): Promise<void> =>
    walkingSkeleton({
      suffix: uniqueSuffix(),
      token: (subject, podId, roles) => mintDevToken({ subject, podId, roles }, signing),
      data: (token, query, variables) => gatewayData(`${gatewayUrl}/graphql`, token, query, variables),
    });
  const startedAt = Date.now();
  let failed = false;
  try {
    // `up` itself waits for every depends_on condition, so it returns once the gateway's container is started.
    const up = await compose([...base, 'up', '--detach']);
    if (up.code !== 0) throw new Error(`compose up failed (exit ${up.code}):\n${up.output.slice(-4000)}`);
    await waitFor(() => answersOk(`${gatewayUrl}/health/ready`), { description: 'the compose gateway to be ready', timeoutMs: 120_000, intervalMs: 1000 });
    log(`region up and healthy in ${seconds(startedAt)} (postgres, 3 nats, 10 one-shots, 5 services, gateway)`);
    let step = Date.now();
    await skeleton();
    log(`walking skeleton passed through the compose gateway in ${seconds(step)}`);

    // Upgrade one service alone: a new image for it, its migrations then itself; nothing else may be recreated.
    step = Date.now();
    const before = await containerIds(project);
    const upgradedImage = `localhost/mutuo-${UPGRADED}:upgrade-${project}`;
    await podman(['tag', `localhost/mutuo-${UPGRADED}:${tag}`, upgradedImage]);
    const upgrade = await compose([...base, 'up', '--detach', '--no-deps', `${UPGRADED}-migrate`, UPGRADED], {
      [`${UPGRADED.toUpperCase()}_IMAGE`]: upgradedImage,
    });
    if (upgrade.code !== 0) throw new Error(`compose up of ${UPGRADED} alone failed (exit ${upgrade.code}):\n${upgrade.output.slice(-4000)}`);
    const after = await containerIds(project);
    const recreated = [...after.keys()].filter((service) => after.get(service) !== before.get(service));
    if (recreated.sort().join() !== [`${UPGRADED}-migrate`, UPGRADED].sort().join()) throw new Error(`upgrading ${UPGRADED} recreated ${recreated.join(', ')}`);
    await waitFor(async () => (await health(after.get(UPGRADED)!)) === 'healthy', {
      description: `${UPGRADED} to be healthy again`,
      timeoutMs: 180_000,
      intervalMs: 1000,
    });
    log(`${UPGRADED} upgraded alone (${upgradedImage}; recreated only ${recreated.join(' and ')}) in ${seconds(step)}`);
    step = Date.now();
    await skeleton();
    log(`walking skeleton passed again after the upgrade in ${seconds(step)}`);
  } catch (error) {
    failed = true;
    process.stderr.write(`compose-region: FAILED: ${error instanceof Error ? error.message : String(error)}\n${await projectLogs(project)}\n`);
  } finally {
    healthchecks.stop();
    const down = await compose([...base, 'down', '--volumes', '--remove-orphans', '--timeout', '10']);
    if (down.code !== 0) process.stderr.write(`compose-region: compose down failed:\n${down.output.slice(-2000)}\n`);
    await podman(['rmi', `localhost/mutuo-${UPGRADED}:upgrade-${project}`]);
    rmSync(envDir, { recursive: true, force: true });
    log(`torn down; whole run ${seconds(startedAt)}`);
  }
  process.exit(failed ? 1 : 0);
}

/** Service name → container id, for the project's containers. */
async function containerIds(project: string): Promise<Map<string, string>> {
  const listed = await podman([
    'ps',
    '--all',
    '--format',
    '{{.ID}} {{index .Labels "com.docker.compose.service"}}',
    '--filter',
    `label=com.docker.compose.project=${project}`,
  ]);
  return new Map(
    listed.output
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string])
      .map(([id, service]) => [service, id]),
  );
}

async function health(container: string): Promise<string> {
  return (await podman(['inspect', '--format', '{{.State.Health.Status}}', container])).output.trim();
}

async function projectLogs(project: string): Promise<string> {
  const ids = await containerIds(project);
  const parts = await Promise.all([...ids].map(async ([service, id]) => `--- ${service}\n${(await podman(['logs', '--tail', '25', id])).output}`));
  return parts.join('\n');
}

void main();
