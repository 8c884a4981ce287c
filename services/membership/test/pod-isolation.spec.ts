import { podIsolationProblemsOf } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';

jest.setTimeout(120_000);

/** The tables with pod_id that row-level security does not isolate, and why their rows are not pod data. */
const NOT_POD_DATA: Readonly<Record<string, string>> = {
  // A code is asked for with an address before anyone is signed in, and checked by its id: there is no pod yet.
  // pod_id only says which pod a sign-in code would sign in to; the row holds hashes, not pod data.
  sign_in_codes: 'sign-in state keyed by address hash and code id, used before any pod is known',
  // A session belongs to a person, not a pod: refreshSession finds it by its token before any pod is known, and
  // switchPod moves it to another pod. pod_id is only the pod its next token is for (none for a newcomer).
  sign_in_sessions: "a person's session, found by refresh token before any pod is known; pod_id is where its next token points",
};

describe('membership pod isolation', () => {
  it('isolates every table with pod_id by row-level security, or says why its rows are not pod data', async () => {
    expect(await podIsolationProblemsOf(membershipService, NOT_POD_DATA)).toEqual([]);
  });
});
