import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1';
import { REPO_ROOT, type Manifest } from './render-chart';

/**
 * What an operator would put in the Secrets the chart names, by "secret/key": values the code accepts in production,
 * made up for the test. A reference missing here fails the test, so every secret the chart reads is accounted for.
 */
export function operatorSecrets(): Map<string, string> {
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const secrets = new Map<string, string>([
    ['mutuo-auth/gateway-shared-secret', 'a-test-gateway-shared-secret-of-enough-length'],
    ['mutuo-auth/jwt-secret', 'a-test-token-signing-secret-of-enough-length'],
    ['mutuo-personal-data/keks', `k1:${randomBytes(32).toString('base64')}`],
    ['mutuo-code-delivery/key', randomBytes(32).toString('base64')],
    ['mutuo-membership/signing-key', signingKey],
    ['mutuo-membership/hash-secret', 'a-test-membership-hash-secret-of-enough-length'],
    ['mutuo-notifications/smtp-url', 'smtps://mutuo:mail-password@smtp.mutuo.example:465'],
    ['mutuo-nats-provisioning/url', 'nats://provisioner:nats-password@nats:4222'],
  ]);
  for (const service of ['membership', 'requests', 'matching', 'funds', 'notifications']) {
    secrets.set(`mutuo-${service}-database/app-password`, `${service}-app-password`);
    secrets.set(`mutuo-${service}-database/admin-url`, `postgres://mutuo_${service}_owner:owner-password@mutuo-postgresql-rw:5432/mutuo_${service}`);
    secrets.set(`mutuo-${service}-nats/url`, `nats://${service}:nats-password@nats:4222`);
  }
  return secrets;
}

/**
 * The environment a container of a rendered manifest starts with, as the kubelet builds it: its ConfigMaps (envFrom),
 * then its env entries, values inline or from the operator's Secrets (an optional key that is absent is left unset).
 */
export function containerEnvironment(container: IContainer, manifests: readonly Manifest[], secrets: ReadonlyMap<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === name);
    if (!configMap) throw new Error(`${container.name} reads the ConfigMap ${name}, which the chart does not render`);
    Object.assign(env, configMap.data);
  }
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom?.secretKeyRef;
    if (!reference) {
      env[variable.name] = variable.value ?? '';
      continue;
    }
    const value = secrets.get(`${reference.name}/${reference.key}`);
    if (value !== undefined) env[variable.name] = value;
    else if (!reference.optional)
      throw new Error(`${container.name} reads ${variable.name} from ${reference.name}/${reference.key}, which the test does not provide`);
  }
  return env;
}

const VARIABLE_KEY = /^\s*([A-Z][A-Z0-9_]*[A-Z0-9])\s*:/gm;
const SOURCE_ROOTS = ['libs', 'services', 'gateway'];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'test', 'dist', 'migrations'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) yield full;
  }
}

/**
 * The environment variables the code declares: the keys of its zod environment schemas (`NAME: z…` in
 * libs, services and the gateway). SUBGRAPH_<NAME>_URL is a pattern the gateway reads, not a key.
 */
export function variablesTheCodeDeclares(): Set<string> {
  const names = new Set<string>();
  for (const root of SOURCE_ROOTS) {
    for (const file of sourceFiles(path.join(REPO_ROOT, root))) {
      const text = fs.readFileSync(file, 'utf8');
      if (!/\bz\.|integerBetween|postgresUrl|nodeEnvironment/.test(text)) continue;
      for (const match of text.matchAll(VARIABLE_KEY)) names.add(match[1]!);
    }
  }
  return names;
}

/** Each service's defaultPort, as its ServiceDefinition declares it. */
export function defaultPortOf(service: string): number {
  const text = fs.readFileSync(path.join(REPO_ROOT, `services/${service}/src/${service}.service.ts`), 'utf8');
  const match = /defaultPort:\s*(\d+)/.exec(text);
  if (!match) throw new Error(`services/${service}/src/${service}.service.ts declares no defaultPort`);
  return Number(match[1]);
}
