import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph } from '../src/compose/compose-supergraph';
import { startSubgraphs, TEST_GATEWAY_SECRET, type Subgraphs } from './support/gateway-fixture';
import { postGraphQL } from './support/graphql-client';
import { signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from './support/tokens';

const WORKSPACE_ROOT = path.resolve(__dirname, '../..');

/** `node -r ./infra/register.js gateway/src/main.ts`, as the serve target runs it, with only the given environment. */
function startMain(env: Record<string, string>): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', './infra/register.js', 'gateway/src/main.ts'], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the gateway process (gateway/src/main.ts)', () => {
  it('stops at start with one line naming a malformed variable, without a stack trace', async () => {
    const main = startMain({ PORT: 'eighty', MAX_QUERY_DEPTH: '0' });

    expect(await main.exit).toBe(1);
    expect(main.stderr()).toBe('Invalid configuration: PORT must be an integer 0-65535; MAX_QUERY_DEPTH must be an integer 1-100\n');
    expect(main.stdout()).toBe('');
  }, 20_000);

  it('refuses to start in production without its secrets', async () => {
    const main = startMain({ NODE_ENV: 'production' });

    expect(await main.exit).toBe(1);
    expect(main.stderr()).toBe(
      'Invalid configuration: GATEWAY_SHARED_SECRET is required in production; ' +
        'JWT_SECRET (or JWT_PUBLIC_KEY or JWT_JWKS_URL) is required in production; ' +
        'JWT_ISSUER is required in production; JWT_AUDIENCE is required in production; JWT_ALGORITHMS is required in production\n',
    );
  }, 20_000);

  describe('with a valid configuration', () => {
    let subgraphs: Subgraphs;
    let directory: string;

    beforeAll(async () => {
      subgraphs = await startSubgraphs();
      directory = await mkdtemp(path.join(tmpdir(), 'mutuo-gateway-process-'));
    });

    afterAll(async () => {
      await subgraphs?.stop();
      await rm(directory, { recursive: true, force: true });
    });

    it('serves operations, logs JSON lines and exits 0 after a graceful SIGTERM', async () => {
      const composition = composeSupergraph([
        { name: 'members', sdl: subgraphs.members.sdl, url: subgraphs.members.url },
        { name: 'requests', sdl: subgraphs.requests.sdl, url: subgraphs.requests.url },
      ]);
      const supergraphPath = path.join(directory, 'supergraph.graphql');
      await writeFile(supergraphPath, composition.supergraphSdl ?? '');

      const main = startMain({
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_PATH: supergraphPath,
        GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        JWT_ISSUER: TEST_ISSUER,
        JWT_AUDIENCE: TEST_AUDIENCE,
        JWT_ALGORITHMS: 'HS256',
      });
      try {
        const url = await waitFor(() => /"url":"([^"]+)"/.exec(main.stdout())?.[1], 15_000);

        const response = await postGraphQL(url, { query: '{ me { id openRequests { title } } }', token: await signTestToken() });
        expect(response.body.data.me).toEqual({
          id: 'member-ada',
          openRequests: [{ title: 'Lift to the clinic' }, { title: 'Groceries on Friday' }],
        });

        main.child.kill('SIGTERM');
        expect(await main.exit).toBe(0);
      } finally {
        main.child.kill('SIGKILL');
      }

      const logLines = main
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logLines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['gateway listening', 'graphql operation', 'shutdown requested', 'gateway stopped']),
      );
      expect(logLines.every((line) => line.service === 'gateway' && typeof line.time === 'string')).toBe(true);
      expect(main.stderr()).toBe('');
    }, 30_000);
  });
});
