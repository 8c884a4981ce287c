import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './service-processes';

export interface OlderVersion {
  /** The commit the tree was exported from. */
  readonly commit: string;
  /** Where it lies: start its scripts with `node -r <root>/infra/register.js`, with `<root>` as the working directory. */
  readonly root: string;
  remove(): void;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: REPOSITORY_ROOT, encoding: 'utf8' }).trim();
}

/**
 * The commit that runs as version N-1: `MUTUO_UPGRADE_FROM` when set, otherwise the parent of the last commit that
 * changed what the service runs (its folder or the libs), so the two versions really differ.
 */
export function olderCommit(service: string): string {
  const chosen = process.env.MUTUO_UPGRADE_FROM;
  if (chosen) {
    if (!/^[\w./~^-]+$/.test(chosen)) throw new Error(`MUTUO_UPGRADE_FROM must be a commit or ref (got "${chosen}")`);
    return git('rev-parse', '--verify', `${chosen}^{commit}`);
  }
  const lastChange = git('rev-list', '-1', 'HEAD', '--', `services/${service}`, 'libs');
  return git('rev-parse', `${lastChange}^`);
}

/**
 * The repository at `commit`, exported with `git archive` into a temporary folder whose node_modules is a link to this
 * checkout's: the older version runs its own sources (compiled at load by its own infra/register.js), with the same
 * dependencies, as a rolling upgrade that changes no dependency would.
 */
export function exportOlderVersion(commit: string): OlderVersion {
  const root = mkdtempSync(join(tmpdir(), 'mutuo-n-1-'));
  execFileSync('bash', ['-c', `git archive --format=tar ${commit} | tar -x -C "${root}"`], { cwd: REPOSITORY_ROOT });
  symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { commit, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
