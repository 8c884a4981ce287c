import { DomainRuleViolation } from '@mutuo/domain';
import { PARTNER_EVENT_TYPES, partnerEventTypes } from './partner-event-types';

describe('partnerEventTypes', () => {
  it('keeps each known type once, in the order asked; none means all', () => {
    expect(partnerEventTypes(['requests.incident-declared.v1', 'requests.request-posted.v1', 'requests.incident-declared.v1'])).toEqual([
      'requests.incident-declared.v1',
      'requests.request-posted.v1',
    ]);
    expect(partnerEventTypes([])).toEqual([]);
  });

  it('refuses a type partners are never sent, naming its position', () => {
    for (const type of ['membership.member-joined.v1', 'requests.request-posted.v2', 'not a type', 'requests.request-posted.v1\u0000']) {
      expect(() => partnerEventTypes(['requests.request-posted.v1', type])).toThrow(
        expect.objectContaining({ code: 'INVALID_EVENT_TYPE', field: 'eventTypes.1' }) as DomainRuleViolation,
      );
    }
  });

  it('refuses a list longer than there are types to ask for', () => {
    const tooMany = Array.from({ length: PARTNER_EVENT_TYPES.length + 1 }, () => PARTNER_EVENT_TYPES[0]);
    expect(() => partnerEventTypes(tooMany)).toThrow(expect.objectContaining({ code: 'INVALID_EVENT_TYPE', field: 'eventTypes' }) as DomainRuleViolation);
  });
});
