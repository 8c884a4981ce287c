import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from '../config/dev-defaults';
import { loadOrCreateDevSigningKey } from './dev-signing-key';
import { JwtVerifier } from './jwt-verifier';

const workspaceRoot = resolve(__dirname, '../../../..');
const cli = resolve(__dirname, '../dev-token.cli.ts');

function runCli(nodeEnv: string, ...args: string[]) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', cli, ...args], {
    cwd: workspaceRoot,
    env: { PATH: process.env.PATH, NODE_ENV: nodeEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('dev-token CLI', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'mutuo-dev-token-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('signs ES256 with the development signing key, creating it once, so the JWKS membership publishes accepts it', async () => {
    const keyFile = join(directory, 'dev-signing-key.pem');
    const result = runCli('development', '--subject', 'alice', '--roles', 'member,coordinator', '--key-file', keyFile);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = loadOrCreateDevSigningKey(keyFile);
    const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['ES256'], jwks: { keys: [{ ...key.publicJwk }] } });
    await expect(verifier.verify(result.stdout.trim())).resolves.toMatchObject({ subject: 'alice', roles: ['member', 'coordinator'] });

    // The same file again: the same key, not a new one.
    const again = runCli('development', '--subject', 'bo', '--key-file', keyFile);
    await expect(verifier.verify(again.stdout.trim())).resolves.toMatchObject({ subject: 'bo' });
  });

  it('signs HS256 with the development secret with --hs256, for services running on their defaults', async () => {
    const result = runCli('development', '--subject', 'alice', '--roles', 'member', '--hs256');

    expect(result.status).toBe(0);
    const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['HS256'], secret: DEV_JWT_SECRET });
    await expect(verifier.verify(result.stdout.trim())).resolves.toMatchObject({ subject: 'alice', roles: ['member'] });
  });

  it('refuses with one line and exit code 1 when NODE_ENV=production', () => {
    const result = runCli('production', '--subject', 'alice');

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Development tokens cannot be minted when NODE_ENV=production\n');
  });
});
