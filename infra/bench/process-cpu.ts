import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, almost always 100). */
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) a process has used since it started, from /proc/<pid>/stat; undefined once it is gone.
 * The command name (field 2) may hold spaces and parentheses, so the fields are counted after its closing one.
 */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the command name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

export interface CpuWindow {
  readonly name: string;
  /** CPU seconds used during the window. */
  readonly cpuSeconds: number;
  /** Share of one core over the window, in percent. */
  readonly percentOfCore: number;
}

/** The CPU each named process used over `windowMs`; processes gone before the end are left out. */
export async function measureCpuOver(processes: readonly { readonly name: string; readonly pid: number }[], windowMs: number): Promise<CpuWindow[]> {
  const before = processes.map((process) => processCpuSeconds(process.pid));
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const elapsedSeconds = (Date.now() - started) / 1000;
  return processes.flatMap((process, index) => {
    const start = before[index];
    const end = processCpuSeconds(process.pid);
    if (start === undefined || end === undefined) return [];
    const cpuSeconds = end - start;
    return [{ name: process.name, cpuSeconds, percentOfCore: (cpuSeconds / elapsedSeconds) * 100 }];
  });
}
