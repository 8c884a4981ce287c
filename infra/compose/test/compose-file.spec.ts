import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { es256SigningKeyFromPem, loadConfig, serviceConfigSchema } from '@mutuo/platform';
import {
  COMPOSE_DIR,
  generatedEnv,
  interpolate,
  loadComposeFile,
  parseEnvFile,
  referencedVariables,
  requiredVariables,
  type ComposeFile,
} from './compose-file';

const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'] as const;
const NATS_NODES = ['nats-1', 'nats-2', 'nats-3'];
const composeText = readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8');
const exampleEnv = parseEnvFile(readFileSync(join(COMPOSE_DIR, '.env.example'), 'utf8'));

/**
 * infra/compose/compose.yaml cannot be brought up in CI (no registry for postgres and nats images), so its shape is
 * checked here: the compose specification's own JSON schema (vendored in schema/, Apache-2.0), then what a region
 * needs from it, and that the environment it gives each service passes the services' production configuration checks.
 */
describe('infra/compose/compose.yaml', () => {
  const env = generatedEnv('north-east');
  const compose: ComposeFile = loadComposeFile(env);
  const mutuoContainers = Object.entries(compose.services).filter(([, service]) => service.image?.includes('/mutuo-'));

  it('is a valid compose file by the compose specification schema', () => {
    // validateSchema: false because the schema names its draft-07 meta-schema by an https address ajv does not know.
    const schema = JSON.parse(readFileSync(join(COMPOSE_DIR, 'schema', 'compose-spec.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    // The schema has teeth: a misspelt key and a wrong type are refused.
    expect(validate({ services: { gateway: { image: 'x', read_only: 5 } } })).toBe(false);
    expect(validate({ services: { gateway: { image: 'x', healthchek: { test: ['CMD', 'true'] } } } })).toBe(false);
  });

  it('has every variable it reads in .env.example, and refuses to start without the secrets', () => {
    expect(referencedVariables(composeText).filter((name) => !(name in exampleEnv))).toEqual([]);
    expect(requiredVariables(composeText)).toEqual(
      expect.arrayContaining(['POSTGRES_PASSWORD', 'NATS_PASSWORD_MATCHING', 'NATS_PASSWORD_PROVISIONING', 'MEMBERSHIP_SIGNING_KEY', 'PERSONAL_DATA_KEKS']),
    );
    const { NATS_PASSWORD_MATCHING: _omitted, ...withoutNatsPassword } = env;
    expect(() => interpolate(composeText, withoutNatsPassword)).toThrow('NATS_PASSWORD_MATCHING: set NATS_PASSWORD_MATCHING in .env');
  });

  it('is filled by generate-env.js with fresh secrets, except the machines only the operator knows', () => {
    const placeholders = Object.entries(env).filter(([, value]) => value.includes('change-me'));
    expect(placeholders.map(([name]) => name).sort()).toEqual(['NOTIFICATIONS_MAIL_FROM', 'NOTIFICATIONS_PUBLIC_URL', 'NOTIFICATIONS_SMTP_URL']);
    expect(generatedEnv('north-east').GATEWAY_SHARED_SECRET).not.toBe(env.GATEWAY_SHARED_SECRET);
  });

  it('brings up PostgreSQL, three NATS nodes, a migration and a stream step per service, the five services and the gateway', () => {
    const expected = ['postgres', ...NATS_NODES, ...SERVICES.flatMap((name) => [name, `${name}-migrate`, `${name}-streams`]), 'gateway'];
    expect(Object.keys(compose.services).sort()).toEqual(expected.sort());
    for (const name of SERVICES) {
      expect([name, compose.services[`${name}-migrate`]!.command]).toEqual([name, ['migrate.js']]);
      expect(compose.services[`${name}-migrate`]!.environment!.DATABASE_ADMIN_URL).toMatch(
        new RegExp(`^postgres://postgres:[0-9a-f]{64}@postgres:5432/mutuo_${name}$`),
      );
      expect([name, compose.services[`${name}-streams`]!.command]).toEqual([name, ['operate.js', 'streams', 'apply', '--yes']]);
      expect(compose.services[`${name}-streams`]!.image).toBe(compose.services[name]!.image);
    }
  });

  it('runs every Mutuo container as a non-root user on a read-only root with /tmp as tmpfs', () => {
    expect(mutuoContainers).toHaveLength(16);
    for (const [name, service] of mutuoContainers) {
      expect([name, service.read_only, service.tmpfs, /^[1-9]\d*:\d+$/.test(service.user ?? '')]).toEqual([name, true, ['/tmp'], true]);
    }
  });

  it('writes healthchecks whose arguments hold no whitespace (podman 4.3 re-splits them on it)', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const argument of service.healthcheck?.test ?? []) expect([name, argument]).toEqual([name, argument.replace(/\s/g, '')]);
    }
  });

  it('starts a service once migrations and streams are done, and the gateway once every service is healthy', () => {
    for (const name of SERVICES) {
      const service = compose.services[name]!;
      expect(service.healthcheck?.test.join(' ')).toContain('/health/live');
      const conditions = Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => `${dependency}:${condition}`);
      expect(conditions).toEqual(
        expect.arrayContaining(
          SERVICES.flatMap((other) => [`${other}-migrate:service_completed_successfully`, `${other}-streams:service_completed_successfully`]),
        ),
      );
    }
    expect(compose.services.gateway!.depends_on).toEqual(Object.fromEntries(SERVICES.map((name) => [name, { condition: 'service_healthy' }])));
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect([name, dependency in compose.services]).toEqual([name, true]);
    }
  });

  it('publishes only the gateway, and reaches the subgraphs on the compose network', () => {
    const published = Object.entries(compose.services).filter(([, service]) => service.ports?.length);
    expect(published.map(([name, service]) => [name, service.ports])).toEqual([['gateway', ['4000:8080']]]);
    for (const name of SERVICES) expect(compose.services.gateway!.environment![`SUBGRAPH_${name.toUpperCase()}_URL`]).toBe(`http://${name}:8080/graphql`);
  });

  it('clusters three NATS nodes, each with its own volume, routed to one another', () => {
    const dataVolumes = NATS_NODES.map((node) => compose.services[node]!.volumes!.find((volume) => volume.endsWith(':/data'))!.split(':')[0]!);
    expect(new Set(dataVolumes).size).toBe(3);
    for (const volume of dataVolumes) expect(Object.keys(compose.volumes)).toContain(volume);
    const natsConf = readFileSync(join(COMPOSE_DIR, 'nats', 'nats.conf'), 'utf8');
    for (const node of NATS_NODES) expect(natsConf).toContain(`nats-route://${node}:6222`);
    expect(natsConf).toMatch(/jetstream \{\s*store_dir: \/data/);
    expect(compose.services.membership!.environment!.NATS_URL.split(',')).toHaveLength(3);
    // Each service connects as its own user of infra/nats/authorization.conf; only the stream steps as the provisioning user.
    const authorization = readFileSync(join(COMPOSE_DIR, '..', 'nats', 'authorization.conf'), 'utf8');
    for (const node of NATS_NODES) expect(compose.services[node]!.volumes).toContain('../nats/authorization.conf:/etc/nats/authorization.conf:ro');
    expect(natsConf).toContain('include ./authorization.conf');
    for (const name of [...SERVICES, 'provisioning']) {
      expect(authorization).toContain(`user: "${name}"`);
      expect(compose.services['nats-1']!.environment![`NATS_PASSWORD_${name.toUpperCase()}`]).toMatch(/^n[0-9a-f]{64}$/);
    }
    for (const name of SERVICES) {
      const password = env[`NATS_PASSWORD_${name.toUpperCase()}`]!;
      expect(compose.services[name]!.environment!.NATS_URL.split(',')[0]).toBe(`nats://${name}:${password}@nats-1:4222`);
      expect(compose.services[name]!.environment).not.toHaveProperty('NATS_ADMIN_URL');
      expect(compose.services[`${name}-streams`]!.environment!.NATS_ADMIN_URL).toMatch(/^nats:\/\/provisioning:n[0-9a-f]{64}@nats-1:4222,/);
    }
    expect(compose.services.membership!.environment!.NATS_STREAM_REPLICAS).toBe('3');
  });

  it('gives every service an environment its production configuration accepts', () => {
    for (const name of SERVICES) {
      const environment = compose.services[name]!.environment!;
      expect(() => loadConfig(serviceConfigSchema(name), environment)).not.toThrow();
      expect(loadConfig(serviceConfigSchema(name), environment)).toMatchObject({ NODE_ENV: 'production', REGION: 'north-east' });
    }
    // Membership signs with the private half of the key everyone verifies with.
    const signingKey = es256SigningKeyFromPem(compose.services.membership!.environment!.MEMBERSHIP_SIGNING_KEY!);
    expect(createPublicKey(signingKey.privateKey).export({ type: 'spki', format: 'pem' }).toString().trim()).toBe(env.JWT_PUBLIC_KEY!.split('\\n').join('\n'));
    // Secrets go only where they are used.
    expect(compose.services.gateway!.environment).not.toHaveProperty('MEMBERSHIP_SIGNING_KEY');
    expect(compose.services.requests!.environment).not.toHaveProperty('MEMBERSHIP_SIGNING_KEY');
    expect(compose.services.requests!.environment).not.toHaveProperty('DATABASE_ADMIN_URL');
  });
});
