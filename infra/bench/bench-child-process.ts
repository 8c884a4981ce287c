import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '@mutuo/messaging';
import { answersOk, waitFor } from '@mutuo/testing';

/**
 * Running a service as a child process from a benchmark (benchmarks may import libs only, not services), and
 * rewriting a benchmark's results section of docs/benchmarks.md.
 */
const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'infra', 'register.js');

export interface BenchChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** The last 200 chunks of its output, for error messages. */
  readonly output: string[];
}

/** Starts `script` (relative to the repository root) with the TypeScript loader, keeping the tail of its output. */
export function spawnBenchScript(name: string, script: string, env: NodeJS.ProcessEnv): BenchChild {
  const child = spawn(process.execPath, ['-r', REGISTER, script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, process: child, output };
}

/** Runs a script (migrations, say) to its end; rejects with its output when it fails. */
export function runBenchScriptToEnd(name: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawnBenchScript(name, script, env);
  return new Promise((resolve, reject) => {
    child.process.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (exit ${code}):\n${child.output.join('')}`))));
  });
}

export async function waitUntilChildReady(child: BenchChild, url: string): Promise<void> {
  try {
    await waitFor(() => answersOk(url), { description: `${child.name} to be ready`, timeoutMs: 60_000, intervalMs: 250 });
  } catch (error) {
    throw new Error(`${errorMessage(error)}\n${child.output.slice(-30).join('')}`);
  }
}

/**
 * Replaces what lies between `start` and `end` in `document` with `section`; the first time, appends `method`, a
 * results heading and the markers.
 */
export function writeBenchSection(document: string, markers: { start: string; end: string }, method: string, section: string): void {
  const block = `${markers.start}\n\n${section}\n\n${markers.end}`;
  const current = existsSync(document) ? readFileSync(document, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(markers.start);
  const end = current.indexOf(markers.end);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + markers.end.length)
      : `${current.trimEnd()}\n\n${method}\n### Results\n\n${block}\n`;
  writeFileSync(document, next);
}
