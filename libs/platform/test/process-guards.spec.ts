import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_POSTGRES_URL as POSTGRES_URL } from '@mutuo/testing';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the guarded child process to its end: its exit code and its log lines (pino JSON on stdout). */
function runGuardedChild(mode: 'infrastructure' | 'bug'): Promise<{ code: number | null; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'infra', 'register.js'), join(__dirname, 'fixtures', 'process-guard-child.ts'), mode, POSTGRES_URL],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const lines = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, lines });
    });
  });
}

describe('installProcessGuards, in a process of its own', () => {
  it('keeps the process running through a pool timeout nobody awaited, a terminated idle connection and a forgotten rejection', async () => {
    const { code, lines } = await runGuardedChild('infrastructure');
    // The terminated connection fails twice: the server's 57P01, then "Connection terminated unexpectedly".
    const messages = [...new Set(lines.map((line) => line.msg))];
    expect(messages).toEqual([
      'Unhandled promise rejection caused by an unavailable dependency; the service keeps running',
      'Uncaught exception caused by an unavailable dependency; the service keeps running',
      'Unhandled promise rejection (a promise nobody awaited failed); the service keeps running',
      'still running',
    ]);
    const logged = (message: unknown) => lines.find((line) => line.msg === message);
    expect(logged(messages[0])).toMatchObject({ level: 'error', transient: { kind: 'unavailable', evidence: 'KnexTimeoutError' } });
    expect(logged(messages[1])).toMatchObject({ level: 'error', transient: { kind: 'interrupted', evidence: 'SQLSTATE 57P01' } });
    expect(logged(messages[2])).toMatchObject({ level: 'error', err: { message: 'nobody awaited this' } });
    expect(code).toBe(0);
  }, 60_000);

  it('exits 1 after logging any other uncaught exception, whose state it cannot vouch for', async () => {
    const { code, lines } = await runGuardedChild('bug');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([['fatal', 'Uncaught exception: the process state is unknown, exiting']]);
    expect(code).toBe(1);
  }, 60_000);
});
