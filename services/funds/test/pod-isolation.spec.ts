import { podIsolationProblemsOf } from '@mutuo/testing';
import { fundsService } from '../src/funds.service';

jest.setTimeout(120_000);

/** The tables with pod_id that row-level security does not isolate, and why their rows are not pod data. */
const NOT_POD_DATA: Readonly<Record<string, string>> = {
  // The pod directory (pod → region): clearing positions and public reports read the pods of a region.
  funds_pods: 'the directory of pods and their regions, read across a region for clearing',
};

describe('funds pod isolation', () => {
  it('isolates every table with pod_id by row-level security, or says why its rows are not pod data', async () => {
    expect(await podIsolationProblemsOf(fundsService, NOT_POD_DATA)).toEqual([]);
  });
});
