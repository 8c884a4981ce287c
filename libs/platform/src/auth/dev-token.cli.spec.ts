import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from '../config/dev-defaults';
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
  it('prints a token the development verifier accepts', async () => {
    const result = runCli('development', '--subject', 'alice', '--roles', 'member,coordinator');

    expect(result.status).toBe(0);
    const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['HS256'], secret: DEV_JWT_SECRET });
    await expect(verifier.verify(result.stdout.trim())).resolves.toMatchObject({ subject: 'alice', roles: ['member', 'coordinator'] });
  });

  it('refuses with one line and exit code 1 when NODE_ENV=production', () => {
    const result = runCli('production', '--subject', 'alice');

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Development tokens cannot be minted when NODE_ENV=production\n');
  });
});
