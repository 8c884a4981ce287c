import type { Logger } from 'pino';

export type HealthCheck = () => Promise<void>;

export interface HealthOptions {
  /** Per check; a check that takes longer counts as failed. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

export interface CheckResult {
  readonly status: 'ok' | 'failed' | 'timeout';
  readonly durationMs: number;
}

export interface ReadinessReport {
  readonly status: 'ready' | 'unavailable';
  readonly checks: Record<string, CheckResult>;
}

/** Runs every check in parallel; a check that fails or outlasts `timeoutMs` makes the report unavailable. */
export async function checkReadiness(checks: Record<string, HealthCheck>, timeoutMs: number, logger?: Logger): Promise<ReadinessReport> {
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(name, check, timeoutMs, logger)] as const));
  const failed = results.some(([, result]) => result.status !== 'ok');
  return { status: failed ? 'unavailable' : 'ready', checks: Object.fromEntries(results) };
}

async function runCheck(name: string, check: HealthCheck, timeoutMs: number, logger?: Logger): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      Promise.resolve()
        .then(check)
        .then(() => 'ok' as const),
      timedOut,
    ]);
    if (outcome === 'timeout') logger?.warn({ check: name, timeoutMs }, 'Readiness check timed out');
    return { status: outcome, durationMs: Date.now() - started };
  } catch (error) {
    logger?.warn({ check: name, err: error }, 'Readiness check failed');
    return { status: 'failed', durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
