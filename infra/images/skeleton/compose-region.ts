import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { podman } from './container-region';

/** generate-env.js's settings with fresh secrets, then the given values in place of its placeholders. */
export function generatedEnv(region: string, overrides: Record<string, string>): Record<string, string> {
  const text = execFileSync(process.execPath, [join(__dirname, '..', '..', 'compose', 'generate-env.js'), region], { encoding: 'utf8' });
  const generated = text
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line): [string, string] => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return { ...Object.fromEntries(generated), ...overrides };
}

/**
 * Runs the healthchecks of the project's running containers every few seconds. Podman schedules healthchecks with
 * systemd timers, and this machine has no systemd: without this, no container ever turns healthy and compose waits
 * forever on `condition: service_healthy`. Docker (and podman under systemd) need none of it.
 */
export function keepHealthchecksRunning(project: string, intervalMs = 3000): { stop(): void } {
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const running = await podman(['ps', '--quiet', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'status=running']);
      const ids = running.output.split('\n').filter(Boolean);
      // A container without a healthcheck answers with an error; the others record the result as podman's timer would.
      await Promise.all(ids.map((id) => podman(['healthcheck', 'run', id])));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
    },
  };
}
