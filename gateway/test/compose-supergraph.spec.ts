import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, appendFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeSupergraph, MUTUO_SUBGRAPHS, STALE_SUPERGRAPH_MESSAGE } from '../src/compose/compose-supergraph';
import { subgraphsOfSupergraph } from '../src/subgraphs/supergraph-subgraphs';

const WORKSPACE_ROOT = path.resolve(__dirname, '../..');
const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

const MEMBERS = `${FEDERATION}
  type Query { member(id: ID!): Member }
  type Member @key(fields: "id") { id: ID! displayName: String! }
`;
const REQUESTS = `${FEDERATION}
  type Member @key(fields: "id") { id: ID! openRequests: [HelpRequest!]! }
  type HelpRequest { id: ID! title: String! }
  type Query { openRequestCount: Int }
`;

describe('composeSupergraph', () => {
  it('composes Federation 2 subgraphs into a supergraph routing to their URLs', () => {
    const result = composeSupergraph([
      { name: 'members', sdl: MEMBERS, url: 'http://members.internal/graphql' },
      { name: 'requests', sdl: REQUESTS, url: 'http://requests.internal/graphql' },
    ]);

    expect(result.errors).toBeUndefined();
    expect(subgraphsOfSupergraph(result.supergraphSdl ?? '')).toEqual([
      { name: 'members', url: 'http://members.internal/graphql' },
      { name: 'requests', url: 'http://requests.internal/graphql' },
    ]);
    expect(result.supergraphSdl).toContain('openRequests: [HelpRequest!]! @join__field(graph: REQUESTS)');
  });

  it('returns the composition errors of conflicting subgraphs instead of throwing', () => {
    const conflicting = `${FEDERATION}
      type Query { memberCount: Int }
      type Member @key(fields: "id") { id: ID! displayName: Int! }
    `;

    const result = composeSupergraph([
      { name: 'members', sdl: MEMBERS, url: 'http://members.internal/graphql' },
      { name: 'reports', sdl: conflicting, url: 'http://reports.internal/graphql' },
    ]);

    expect(result.supergraphSdl).toBeUndefined();
    expect(result.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^INVALID_FIELD_SHARING: Non-shareable field "Member.displayName" is resolved from multiple subgraphs/)]),
    );
    expect(result.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^FIELD_TYPE_MISMATCH: Type of field "Member.displayName" is incompatible across subgraphs/)]),
    );
  });

  it('names the subgraph whose SDL does not parse', () => {
    const result = composeSupergraph([
      { name: 'members', sdl: MEMBERS, url: 'http://members.internal/graphql' },
      { name: 'requests', sdl: 'type Query { broken: }', url: 'http://requests.internal/graphql' },
    ]);

    expect(result.errors).toEqual(['[requests] Syntax Error: Expected Name, found "}".']);
  });
});

describe('compose-supergraph command', () => {
  let root: string;
  let servicesRoot: string;
  let output: string;

  const schemaPath = (name: string) => path.join(servicesRoot, name, 'src', 'schema.graphql');
  const validSchema = (name: string) => `${FEDERATION}
    type Query { ${name}Status: String }
  `;

  async function runCompose(args: string[], env: Record<string, string> = {}) {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['-r', '@swc-node/register', 'gateway/src/compose/compose-supergraph.ts', ...args],
        { cwd: WORKSPACE_ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
      );
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { exitCode: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  }
  const paths = () => ['--services-root', servicesRoot, '--output', output];

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'mutuo-compose-'));
    servicesRoot = path.join(root, 'services');
    output = path.join(root, 'gateway', 'supergraph.graphql');
    for (const { name } of MUTUO_SUBGRAPHS) {
      await mkdir(path.dirname(schemaPath(name)), { recursive: true });
      await writeFile(schemaPath(name), validSchema(name));
    }
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the supergraph with the development URLs of the five subgraphs', async () => {
    const result = await runCompose(paths());

    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain(`Wrote ${output} (5 subgraphs)`);
    const supergraph = await readFile(output, 'utf8');
    expect(subgraphsOfSupergraph(supergraph)).toEqual([
      { name: 'funds', url: 'http://localhost:4104/graphql' },
      { name: 'matching', url: 'http://localhost:4103/graphql' },
      { name: 'membership', url: 'http://localhost:4101/graphql' },
      { name: 'notifications', url: 'http://localhost:4105/graphql' },
      { name: 'requests', url: 'http://localhost:4102/graphql' },
    ]);
  }, 20_000);

  it('--check passes on a fresh supergraph and fails once it is edited or a schema changes', async () => {
    await runCompose(paths());

    expect(await runCompose(['--check', ...paths()])).toMatchObject({ exitCode: 0, stdout: `${output} is up to date\n` });

    await appendFile(output, '\n# hand edit\n');
    const edited = await runCompose(['--check', ...paths()]);
    expect(edited.exitCode).toBe(1);
    expect(edited.stderr).toBe(`${STALE_SUPERGRAPH_MESSAGE} (${output})\n`);

    await runCompose(paths());
    await writeFile(schemaPath('funds'), `${validSchema('funds')}\n type Extra { id: ID! }\n extend type Query { extra: Extra }`);
    const schemaChanged = await runCompose(['--check', ...paths()]);
    expect(schemaChanged.exitCode).toBe(1);
    expect(schemaChanged.stderr).toContain(STALE_SUPERGRAPH_MESSAGE);
  }, 30_000);

  it('--check fails when no supergraph was written yet', async () => {
    const result = await runCompose(['--check', ...paths()]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(STALE_SUPERGRAPH_MESSAGE);
  }, 20_000);

  it('exits 1 with the composition errors, and writes nothing, when subgraphs conflict', async () => {
    await writeFile(schemaPath('funds'), `${FEDERATION}\n type Query { status: String }`);
    await writeFile(schemaPath('matching'), `${FEDERATION}\n type Query { status: Int }`);

    for (const args of [paths(), ['--check', ...paths()]]) {
      const result = await runCompose(args);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/^Supergraph composition failed:\n/);
      expect(result.stderr).toContain('  - FIELD_TYPE_MISMATCH: Type of field "Query.status" is incompatible across subgraphs');
      expect(result.stderr).toContain('  - INVALID_FIELD_SHARING: Non-shareable field "Query.status" is resolved from multiple subgraphs');
    }
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
  }, 20_000);

  it('exits 1 naming every subgraph whose schema file is missing', async () => {
    await unlink(schemaPath('matching'));
    await unlink(schemaPath('notifications'));

    const result = await runCompose(paths());

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'Cannot compose the supergraph:\n' +
        `  - subgraph "matching" has no schema at ${schemaPath('matching')}\n` +
        `  - subgraph "notifications" has no schema at ${schemaPath('notifications')}\n`,
    );
  }, 20_000);

  it('takes the services root and output path from MUTUO_SERVICES_ROOT and SUPERGRAPH_OUTPUT', async () => {
    const result = await runCompose([], { MUTUO_SERVICES_ROOT: servicesRoot, SUPERGRAPH_OUTPUT: output });

    expect(result.exitCode).toBe(0);
    expect(await readFile(output, 'utf8')).toContain('@join__graph(name: "membership", url: "http://localhost:4101/graphql")');
  }, 20_000);

  it('rejects unknown arguments with usage', async () => {
    const result = await runCompose(['--chek']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Unknown argument --chek. Usage: compose-supergraph [--check]');
  }, 20_000);
});
