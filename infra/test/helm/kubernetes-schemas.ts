import path from 'node:path';
import ts from 'typescript';
import * as monitoring from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { REPO_ROOT, type Manifest } from './render-chart';

/**
 * The Kubernetes API versions the chart may render, each with the kubernetes-models module generated from the
 * official OpenAPI schema of that group (and prometheus-operator's CRD schemas for monitoring.coreos.com).
 */
const API_GROUPS: Readonly<Record<string, { readonly module: string; readonly models: object }>> = {
  v1: { module: 'kubernetes-models/v1', models: core },
  'apps/v1': { module: 'kubernetes-models/apps/v1', models: apps },
  'batch/v1': { module: 'kubernetes-models/batch/v1', models: batch },
  'policy/v1': { module: 'kubernetes-models/policy/v1', models: policy },
  'autoscaling/v2': { module: 'kubernetes-models/autoscaling/v2', models: autoscaling },
  'networking.k8s.io/v1': { module: 'kubernetes-models/networking.k8s.io/v1', models: networking },
  'monitoring.coreos.com/v1': { module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', models: monitoring },
};

interface ValidatingModel {
  validate(): void;
}

function describe(manifest: Manifest): string {
  return `${manifest.apiVersion} ${manifest.kind} ${manifest.metadata.name}`;
}

/** What the official schema finds wrong with each manifest (types, required fields, formats, enums); empty when none. */
export function schemaProblems(manifests: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const manifest of manifests) {
    const Model = (API_GROUPS[manifest.apiVersion]?.models as Record<string, unknown> | undefined)?.[manifest.kind];
    if (typeof Model !== 'function') {
      problems.push(`${describe(manifest)}: no schema known for this apiVersion and kind`);
      continue;
    }
    try {
      (new (Model as new (data: unknown) => ValidatingModel)(manifest) as ValidatingModel).validate();
    } catch (error) {
      problems.push(`${describe(manifest)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * Fields the Kubernetes API does not know (a misspelt `readinesProbe` passes the schema above, which allows extra
 * properties, and the API server would drop or refuse it). Each manifest becomes an object literal typed with its
 * kubernetes-models interface, so TypeScript's excess-property check names every unknown field, at any depth.
 */
export function unknownFieldProblems(manifests: readonly Manifest[]): string[] {
  const fileName = path.join(REPO_ROOT, 'infra/test/helm/rendered-manifests.generated.ts');
  const ranges: { start: number; end: number; manifest: Manifest }[] = [];
  let source = '';
  manifests.forEach((manifest, index) => {
    const group = API_GROUPS[manifest.apiVersion];
    if (!group) return;
    const start = source.length;
    source += `export const manifest${index}: import(${JSON.stringify(group.module)}).I${manifest.kind} = ${JSON.stringify(manifest, null, 1)};\n`;
    ranges.push({ start, end: source.length, manifest });
  });

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // The manifests need no more than ES5's types; a smaller lib keeps the compilation quick.
    lib: ['lib.es5.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => name === fileName || ts.sys.fileExists(name);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.getSourceFile = (name, language) => (name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language));

  const program = ts.createProgram([fileName], options, host);
  const file = program.getSourceFile(fileName)!;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((diagnostic) => {
    const at = ranges.find((range) => diagnostic.start !== undefined && diagnostic.start >= range.start && diagnostic.start < range.end);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    return `${at ? describe(at.manifest) : 'rendered manifests'}: ${message}`;
  });
}
