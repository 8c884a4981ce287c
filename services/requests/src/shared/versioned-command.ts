import { DomainRuleViolation } from '@mutuo/domain';
import { StreamVersionConflict } from '@mutuo/event-store';

/** The caller decided on a version of the stream that is no longer the latest. */
export function reloadConflict(what: string): DomainRuleViolation {
  return new DomainRuleViolation(
    'VERSION_CONFLICT',
    `This ${what} was changed by someone else since you loaded it: reload it and try again`,
    'expectedVersion',
  );
}

/**
 * A command handled at the version the caller saw (CommandHandler's `expectedVersion`: a lost race is not retried), with
 * a stale version reported as VERSION_CONFLICT: of two concurrent edits exactly one wins, and nothing else is written.
 */
export async function refusingStaleVersions<Handled>(what: string, handled: Promise<Handled>): Promise<Handled> {
  try {
    return await handled;
  } catch (error) {
    if (error instanceof StreamVersionConflict) throw reloadConflict(what);
    throw error;
  }
}
