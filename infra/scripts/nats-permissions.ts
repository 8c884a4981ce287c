// `npm run nats:permissions [-- --prefix=<NATS_PREFIX>] [--check]`: writes infra/nats/authorization.conf, the
// nats-server users of a region (one per service, publish/subscribe limited to what its code publishes and consumes,
// and the provisioning user). Each service says what it consumes (`mutuo <service> streams role`), so this script
// never imports a service's code. `--check` fails when the file is out of date.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertSubjectToken, DEFAULT_SUBJECT_PREFIX, renderAuthorization, type ServiceMessagingRole } from '@mutuo/messaging';

const ROOT = join(__dirname, '..', '..');
const TARGET = join(ROOT, 'infra', 'nats', 'authorization.conf');
const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'];

function serviceRole(service: string): Promise<ServiceMessagingRole> {
  const args = ['-r', join(ROOT, 'infra', 'register.js'), join(ROOT, 'services', service, 'src', 'operate.ts'), 'streams', 'role'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`mutuo ${service} streams role failed (exit ${code}): ${err.trim()}`));
      const role = JSON.parse(out.trim()) as ServiceMessagingRole;
      if (role.service !== service || !Array.isArray(role.consumedTypes)) return reject(new Error(`mutuo ${service} streams role answered ${out.trim()}`));
      resolve(role);
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const prefixFlag = argv.find((arg) => arg.startsWith('--prefix='));
  const prefix = assertSubjectToken(prefixFlag ? prefixFlag.slice('--prefix='.length) : DEFAULT_SUBJECT_PREFIX, '--prefix');
  const unknown = argv.filter((arg) => arg !== '--check' && !arg.startsWith('--prefix='));
  if (unknown.length) {
    process.stderr.write(`nats:permissions: unknown argument ${unknown.join(' ')}; usage: npm run nats:permissions -- [--prefix=<prefix>] [--check]\n`);
    return 2;
  }
  const text = renderAuthorization({ prefix, roles: await Promise.all(SERVICES.map(serviceRole)) });
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(TARGET, 'utf8');
    } catch {
      // Missing counts as out of date.
    }
    if (current === text) return 0;
    process.stderr.write(`${TARGET} is out of date: run npm run nats:permissions\n`);
    return 1;
  }
  writeFileSync(TARGET, text);
  process.stdout.write(`wrote ${TARGET}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`nats:permissions: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
