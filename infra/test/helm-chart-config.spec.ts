import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IContainer } from 'kubernetes-models/v1';
import { authVariablesShape, checkAuthVariables, loadConfig, serviceConfigSchema } from '@mutuo/platform';
import { z } from 'zod';
import { schemaProblems } from './helm/kubernetes-schemas';
import { containerEnvironment, defaultPortOf, operatorSecrets, variablesTheCodeDeclares } from './helm/container-environment';
import { componentOf, renderChart, renderRefusal, runHelm, type Manifest } from './helm/render-chart';

const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'];
const VALUES_FILES = ['ci/production-values.yaml', 'ci/everything-values.yaml'];

/** Every container the chart runs with the code's configuration: the Deployments' and the hook Jobs'. */
function containers(manifests: readonly Manifest[]): { component: string; container: IContainer }[] {
  return manifests
    .filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job')
    .map((workload) => ({ component: componentOf(workload), container: (workload as Manifest & (IDeployment | IJob)).spec!.template.spec!.containers[0]! }));
}

/**
 * Loads a service's common configuration the way every service does at start, throwing what it refuses. (Its own
 * variables are checked by name against its code, which tooling does not import: see the production-only ones below.)
 */
function loadServiceConfiguration(service: string, env: Record<string, string>): { port: number; production: boolean } {
  const config = loadConfig(serviceConfigSchema(service, { defaultPort: defaultPortOf(service) }), env);
  return { port: config.PORT, production: config.NODE_ENV === 'production' };
}

/** The token settings as the gateway checks them (the same rules as every service's, from platform). */
const gatewayAuthVariables = z
  .object({ NODE_ENV: z.string(), ...authVariablesShape })
  .superRefine((vars, ctx) => checkAuthVariables(vars, ctx), { when: () => true });

/** What each service's own configuration requires in production, besides the common variables. */
const PRODUCTION_ONLY: Record<string, string[]> = {
  membership: ['MEMBERSHIP_SIGNING_KEY', 'MEMBERSHIP_HASH_SECRET', 'MEMBERSHIP_CODE_DELIVERY_KEY'],
  notifications: ['NOTIFICATIONS_SMTP_URL', 'MEMBERSHIP_CODE_DELIVERY_KEY', 'NOTIFICATIONS_PUBLIC_URL'],
};

describe('the Helm chart configures the services as their code reads it', () => {
  const renders = new Map<string, Manifest[]>();
  beforeAll(() => {
    expect(runHelm(['version', '--short']).stdout).toMatch(/^v4\./);
    for (const file of VALUES_FILES) renders.set(file, renderChart(file));
  }, 300_000);

  it.each(VALUES_FILES)('sets, with %s, only variables the code declares', (file) => {
    const declared = variablesTheCodeDeclares();
    expect([...declared]).toEqual(expect.arrayContaining(['DATABASE_URL', 'NATS_URL', 'PERSONAL_DATA_KEKS', 'MEMBERSHIP_SIGNING_KEY', 'MAX_QUERY_DEPTH']));
    const manifests = renders.get(file)!;
    const secrets = operatorSecrets();
    const unknown = containers(manifests).flatMap(({ component, container }) =>
      Object.keys(containerEnvironment(container, manifests, secrets))
        .filter((name) => !declared.has(name) && !/^SUBGRAPH_[A-Z0-9_]+_URL$/.test(name))
        .map((name) => `${component}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it.each(VALUES_FILES)('configures every service, migration and provisioning Job for production with %s and the Secrets it names', (file) => {
    const manifests = renders.get(file)!;
    const secrets = operatorSecrets();
    const loaded = containers(manifests)
      .filter(({ component }) => component !== 'gateway')
      .map(({ component, container }) => {
        const service = component.replace(/-(migrate|streams)$/, '');
        const { port, production } = loadServiceConfiguration(service, containerEnvironment(container, manifests, secrets));
        return { component, production, portMatches: port === defaultPortOf(service) };
      });

    expect(loaded).toHaveLength(SERVICES.length * 3);
    expect(loaded.filter((result) => !result.production || !result.portMatches)).toEqual([]);
  });

  it.each(VALUES_FILES)('configures the gateway for production with %s, every subgraph at its Service', (file) => {
    const manifests = renders.get(file)!;
    const [gateway] = containers(manifests).filter(({ component }) => component === 'gateway');
    const env = containerEnvironment(gateway!.container, manifests, operatorSecrets());

    expect(loadConfig(gatewayAuthVariables, env)).toMatchObject({ NODE_ENV: 'production' });
    expect(env).toMatchObject({ HOST: '0.0.0.0', PORT: '4000' });
    const subgraphUrls = Object.fromEntries(Object.entries(env).filter(([name]) => /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(name)));
    expect(subgraphUrls).toEqual(
      Object.fromEntries(
        SERVICES.map((service) => [`SUBGRAPH_${service.toUpperCase()}_URL`, `http://region-mutuo-${service}:${defaultPortOf(service)}/graphql`]),
      ),
    );
  });

  it.each(VALUES_FILES)('gives, with %s, each service what its own configuration requires in production', (file) => {
    const manifests = renders.get(file)!;
    const secrets = operatorSecrets();
    for (const { component, container } of containers(manifests).filter(({ component }) => component in PRODUCTION_ONLY)) {
      const env = containerEnvironment(container, manifests, secrets);
      expect({ component, missing: PRODUCTION_ONLY[component]!.filter((name) => !env[name]) }).toEqual({ component, missing: [] });
      if (component === 'notifications') expect(env.NOTIFICATIONS_PUBLIC_URL).toMatch(/^https:\/\//);
    }
  });

  it('refuses production values that the services would refuse, naming the value', () => {
    const production = 'ci/production-values.yaml';
    expect(renderRefusal(null)).toContain('auth.issuer (JWT_ISSUER) is required when global.nodeEnv is production');
    expect(renderRefusal(production, 'auth.jwksUrl=http://membership:4101/.well-known/jwks.json')).toContain(
      'exactly one of auth.publicKey, auth.jwksUrl and auth.jwtSecret.existingSecret is required',
    );
    expect(renderRefusal(production, 'services.funds.nats.existingSecret=')).toContain(
      'services.funds.nats.existingSecret (NATS_URL with credentials) is required',
    );
    expect(renderRefusal(production, 'services.matching.database.existingSecret=')).toContain('services.matching.database.existingSecret');
    expect(renderRefusal(production, 'services.matching.replicas=two')).toContain('replicas');
  });

  it('renders a development release without any Secret, with the development defaults the services fill in', () => {
    const manifests = renderChart('ci/development-values.yaml');
    expect(schemaProblems(manifests)).toEqual([]);
    const references = JSON.stringify(manifests).match(/secretKeyRef/g) ?? [];
    expect(references).toEqual([]);
    for (const { component, container } of containers(manifests).filter(({ component }) => component !== 'gateway')) {
      const env = containerEnvironment(container, manifests, new Map());
      expect({ component, production: loadServiceConfiguration(component.replace(/-(migrate|streams)$/, ''), env).production }).toEqual({
        component,
        production: false,
      });
    }
  });
});
