import type { ExpectedVersion } from './types';

/** Another writer appended to the stream since it was read. Reload and decide again. */
export class StreamVersionConflict extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion?: number,
  ) {
    super(`Stream ${streamId} is not at the expected version ${String(expectedVersion)}` + (actualVersion === undefined ? '' : ` (it is at ${actualVersion})`));
    this.name = 'StreamVersionConflict';
  }
}
