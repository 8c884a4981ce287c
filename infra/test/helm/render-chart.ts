import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CHART_DIR = path.join(REPO_ROOT, 'infra/helm/mutuo');
export const RELEASE = 'region';

/** One rendered Kubernetes object, as much of it as the tests read. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

export interface HelmRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the official Helm binary through infra/scripts/helm.sh (fetched into .tools/ on first use). */
export function runHelm(args: readonly string[]): HelmRun {
  const run = spawnSync('bash', [path.join(REPO_ROOT, 'infra/scripts/helm.sh'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function succeeded(args: readonly string[]): string {
  const run = runHelm(args);
  if (run.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${run.status}):\n${run.stderr}${run.stdout}`);
  return run.stdout;
}

/** `helm template` of the chart with a values file of ci/ (or none), parsed into its objects. */
export function renderChart(valuesFile: string | null, ...setArgs: string[]): Manifest[] {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', 'mutuo', ...(valuesFile ? ['-f', path.join(CHART_DIR, valuesFile)] : [])];
  return parseManifests(succeeded([...args, ...setArgs.flatMap((set) => ['--set', set])]));
}

/** Runs `helm template` expecting a refusal, and returns Helm's message. */
export function renderRefusal(valuesFile: string | null, ...setArgs: string[]): string {
  const args = ['template', RELEASE, CHART_DIR, ...(valuesFile ? ['-f', path.join(CHART_DIR, valuesFile)] : []), ...setArgs.flatMap((set) => ['--set', set])];
  const run = runHelm(args);
  if (run.status === 0) throw new Error(`helm ${args.join(' ')} rendered where a refusal was expected`);
  return run.stderr;
}

export function lintChart(valuesFile: string): string {
  return succeeded(['lint', '--strict', CHART_DIR, '-f', path.join(CHART_DIR, valuesFile)]);
}

function parseManifests(text: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${document.errors[0]!.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    const manifest = value as Manifest;
    if (typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string' || typeof manifest.metadata?.name !== 'string') {
      throw new Error(`helm rendered an object without apiVersion, kind or metadata.name: ${JSON.stringify(value).slice(0, 200)}`);
    }
    manifests.push(manifest);
  }
  return manifests;
}

export const ofKind =
  <T = Manifest>(kind: string) =>
  (manifests: readonly Manifest[]): T[] =>
    manifests.filter((manifest) => manifest.kind === kind) as T[];

/** The component a manifest belongs to (app.kubernetes.io/component). */
export function componentOf(manifest: Manifest): string {
  const component = manifest.metadata.labels?.['app.kubernetes.io/component'];
  if (!component) throw new Error(`${manifest.kind} ${manifest.metadata.name} has no app.kubernetes.io/component label`);
  return component;
}
