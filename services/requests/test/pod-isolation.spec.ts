import { podIsolationProblemsOf } from '@mutuo/testing';
import { requestsService } from '../src/requests.service';

jest.setTimeout(120_000);

/** The tables with pod_id that row-level security does not isolate, and why their rows are not pod data. */
const NOT_POD_DATA: Readonly<Record<string, string>> = {
  // The pod directory (from membership's pod events): each pod's region and default visibility, read to decide what
  // a caller may browse before the pod scope is set. Facts about pods, nobody's data.
  pod_facts: "the directory of pods and their regions, read to set a caller's browse scope",
  // An anonymous visitor holds only the token, which names the resource and its pod (see its migration).
  shared_resource_tokens: 'share links: an anonymous visitor has only the token, which names the pod',
};

describe('requests pod isolation', () => {
  it('isolates every table with pod_id by row-level security, or says why its rows are not pod data', async () => {
    expect(await podIsolationProblemsOf(requestsService, NOT_POD_DATA)).toEqual([]);
  });
});
