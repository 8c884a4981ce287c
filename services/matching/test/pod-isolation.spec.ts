import { podIsolationProblemsOf } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';

jest.setTimeout(120_000);

/** The tables with pod_id that row-level security does not isolate, and why their rows are not pod data. */
const NOT_POD_DATA: Readonly<Record<string, string>> = {
  // The pod directory (region, centre, deadlines): escalation reads the neighbouring pods of a region.
  matching_pods: 'the directory of pods, read across a region to escalate to neighbouring pods',
  // Tombstones (ids only): a row in another pod must see its helper's erasure too (see its migration).
  erased_members: 'erasure tombstones with ids only, read from every pod',
};

describe('matching pod isolation', () => {
  it('isolates every table with pod_id by row-level security, or says why its rows are not pod data', async () => {
    expect(await podIsolationProblemsOf(matchingService, NOT_POD_DATA)).toEqual([]);
  });
});
