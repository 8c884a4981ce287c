import { planConsumers } from './provisioning';

describe('planConsumers', () => {
  const types = ['requests.request-posted.v1', 'requests.request-withdrawn.v1', 'membership.member-joined.v1'];

  it('makes one durable consumer per producing stream, filtered to the handled types', () => {
    expect(planConsumers('mutuo', 'matching', types, { multipleFilterSubjects: true })).toEqual([
      {
        stream: 'MUTUO_MEMBERSHIP_EVENTS',
        durable: 'matching',
        service: 'membership',
        filterSubjects: ['mutuo.evt.*.*.membership.member-joined.v1'],
        types: ['membership.member-joined.v1'],
        receivesUnhandledTypes: false,
      },
      {
        stream: 'MUTUO_REQUESTS_EVENTS',
        durable: 'matching',
        service: 'requests',
        filterSubjects: ['mutuo.evt.*.*.requests.request-posted.v1', 'mutuo.evt.*.*.requests.request-withdrawn.v1'],
        types: ['requests.request-posted.v1', 'requests.request-withdrawn.v1'],
        receivesUnhandledTypes: false,
      },
    ]);
  });

  it('falls back to one service-wide filter where the server takes only one filter subject', () => {
    const [membership, requests] = planConsumers('mutuo', 'matching', types, { multipleFilterSubjects: false });
    expect(membership!.filterSubjects).toEqual(['mutuo.evt.*.*.membership.member-joined.v1']);
    expect(membership!.receivesUnhandledTypes).toBe(false);
    expect(requests!.filterSubjects).toEqual(['mutuo.evt.*.*.requests.>']);
    expect(requests!.receivesUnhandledTypes).toBe(true);
  });

  it('rejects a type that is not a contract type and a consumer name that is not a token', () => {
    expect(() => planConsumers('mutuo', 'matching', ['requests.*'], { multipleFilterSubjects: true })).toThrow(/Cannot consume "requests\.\*"/);
    expect(() => planConsumers('mutuo', 'match.ing', types, { multipleFilterSubjects: true })).toThrow(/consumer "match.ing"/);
  });
});
