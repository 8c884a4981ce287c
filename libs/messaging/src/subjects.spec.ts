import {
  InvalidSubjectTokenError,
  deadLetterStreamName,
  deadLetterSubject,
  eventStreamName,
  eventSubject,
  eventTypeFilter,
  parseEventSubject,
  podEventsFilter,
  serviceEventsFilter,
} from './subjects';

const podId = '5f0c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

describe('event subjects', () => {
  it('are <prefix>.evt.<region>.<pod>.<service>.<name>.v<version>', () => {
    expect(eventSubject({ region: 'lisboa', podId, type: 'requests.request-posted.v1' })).toBe(`mutuo.evt.lisboa.${podId}.requests.request-posted.v1`);
    expect(eventSubject({ prefix: 'tabc', region: 'lisboa', podId: null, type: 'membership.region-created.v1' })).toBe(
      'tabc.evt.lisboa._.membership.region-created.v1',
    );
  });

  it('refuse tokens that would change the subject structure', () => {
    for (const region of ['lis.boa', 'lis*', '>', 'lis boa', '', 'x'.repeat(65)]) {
      expect(() => eventSubject({ region, podId, type: 'requests.request-posted.v1' })).toThrow(InvalidSubjectTokenError);
    }
    expect(() => eventSubject({ region: 'lisboa', podId: 'a.b', type: 'requests.request-posted.v1' })).toThrow(/podId "a.b"/);
    expect(() => eventSubject({ prefix: 'mu.tuo', region: 'lisboa', podId, type: 'requests.request-posted.v1' })).toThrow(/prefix/);
    expect(() => eventSubject({ region: 'lisboa', podId, type: 'requests.*.v1' })).toThrow(/not of the form/);
  });

  it('parse back into their parts', () => {
    expect(parseEventSubject(`mutuo.evt.lisboa.${podId}.requests.request-posted.v1`)).toEqual({
      prefix: 'mutuo',
      region: 'lisboa',
      podId,
      service: 'requests',
      name: 'request-posted',
      version: 1,
      type: 'requests.request-posted.v1',
    });
    expect(parseEventSubject('mutuo.evt.lisboa._.membership.region-created.v1')?.podId).toBeNull();
    expect(parseEventSubject('mutuo.dlq.matching.handler-failed')).toBeNull();
    expect(parseEventSubject('mutuo.evt.lisboa._.membership.region-created.one')).toBeNull();
  });
});

describe('filters and stream names', () => {
  it('match one service, one type or one pod', () => {
    expect(serviceEventsFilter('mutuo', 'requests')).toBe('mutuo.evt.*.*.requests.>');
    expect(eventTypeFilter('mutuo', 'requests.request-posted.v1')).toBe('mutuo.evt.*.*.requests.request-posted.v1');
    expect(podEventsFilter('mutuo', podId)).toBe(`mutuo.evt.*.${podId}.>`);
  });

  it('name one stream per producing service and one dead-letter stream', () => {
    expect(eventStreamName('mutuo', 'requests')).toBe('MUTUO_REQUESTS_EVENTS');
    expect(eventStreamName('t-1a', 'mutual-credit')).toBe('T_1A_MUTUAL_CREDIT_EVENTS');
    expect(deadLetterStreamName('mutuo')).toBe('MUTUO_DEAD_LETTERS');
    expect(deadLetterSubject('mutuo', 'matching', 'invalid-data')).toBe('mutuo.dlq.matching.invalid-data');
  });
});
