import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { Actor } from './help-facts';
import {
  ANONYMOUS_ACTOR,
  RESOURCE_ENTRY_LIMIT,
  sharedResourceDecider,
  stockAfter,
  type RecordResourceEntry,
  type SharedResourceCommand,
  type SharedResourceEvent,
} from './shared-resource.decider';

const NOW = '2026-11-25T09:00:00.000Z';
const coordinator: Actor = { memberId: 'member-cora', roles: ['coordinator'] };
const member: Actor = { memberId: 'member-ana', roles: ['member'] };
/** The fridge every example registers, as the command gives it and the event records it. */
const libraryFridge = {
  resourceId: 'res-1',
  podId: 'pod-1',
  kind: 'fridge',
  name: 'Fridge at the library',
  location: { lat: 38.72, lon: -9.14 },
  openingHours: [{ byDay: 'MO', opensAt: '08:00', closesAt: '20:00' }],
  publicToken: 'tok-1',
} as const;
const register = (data: object = {}, actor: Actor = coordinator): SharedResourceCommand => ({
  type: 'RegisterSharedResource',
  data: { ...libraryFridge, actor, ...data } as never,
  metadata: { now: NOW, actorId: 'person-cora', podId: 'pod-1' },
});
const registered: SharedResourceEvent = {
  type: 'SharedResourceRegistered',
  data: { ...libraryFridge, openingHours: [...libraryFridge.openingHours], registeredAt: NOW },
  metadata: { occurredAt: NOW, actorId: 'person-cora', podId: 'pod-1' },
};
const entry = (data: Partial<RecordResourceEntry['data']> = {}, now = NOW): RecordResourceEntry => ({
  type: 'RecordResourceEntry',
  data: { publicToken: 'tok-1', direction: 'left', itemCategory: 'bread', amount: 3, ...data },
  metadata: { now, actorId: ANONYMOUS_ACTOR, podId: 'pod-1' },
});
const recorded = (at = NOW): SharedResourceEvent => ({
  type: 'ResourceEntryRecorded',
  data: { resourceId: 'res-1', direction: 'left', itemCategory: 'bread', amount: 3, recordedAt: at },
  metadata: { occurredAt: at, actorId: ANONYMOUS_ACTOR, podId: 'pod-1' },
});
const retired: SharedResourceEvent = { type: 'SharedResourceRetired', data: { resourceId: 'res-1', retiredAt: NOW }, metadata: registered.metadata };
const refused = (history: SharedResourceEvent[], cmd: SharedResourceCommand, code: string, field?: string) => {
  const error = spec(sharedResourceDecider).given(history).when(cmd).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  expect(error.code).toBe(code);
  if (field) expect(error.field).toBe(field);
};

describe('a shared resource', () => {
  it('given nothing, when a coordinator registers a fridge with opening hours, then it is registered', () => {
    spec(sharedResourceDecider).given([]).when(register()).then([registered]);
  });

  it('given nothing, when a plain member registers one, then it is refused', () => {
    refused([], register({}, member), 'NOT_ALLOWED');
  });

  it.each([
    [{ name: 'x' }, 'INVALID_NAME', 'name'],
    [{ name: 'Flood\u0000zone' }, 'INVALID_NAME', 'name'],
    [{ name: '\u200B\u200B\u2800\u3164' }, 'INVALID_NAME', 'name'],
    [{ kind: 'garage' }, 'INVALID_KIND', 'kind'],
    [{ location: { lat: 100, lon: 0 } }, 'INVALID_LOCATION', 'location'],
    [{ openingHours: [{ byDay: 'XX', opensAt: '08:00', closesAt: '09:00' }] }, 'INVALID_OPENING_HOURS', 'openingHours.0.byDay'],
    [{ openingHours: [{ byDay: 'MO', opensAt: '8am', closesAt: '09:00' }] }, 'INVALID_OPENING_HOURS', 'openingHours.0.opensAt'],
    [{ openingHours: [{ byDay: 'MO', opensAt: '10:00', closesAt: '09:00' }] }, 'INVALID_OPENING_HOURS', 'openingHours.0.closesAt'],
  ])('given nothing, when registering with %j, then it is refused with %s', (data, code, field) => {
    refused([], register(data), code, field);
  });

  it('given a registered resource, when it is registered again, then it is refused', () => {
    refused([registered], register(), 'RESOURCE_EXISTS');
  });

  it('given a fridge, when someone with the link leaves bread, then the entry is recorded with no identity at all', () => {
    const [event] = spec(sharedResourceDecider).given([registered]).when(entry()).then([recorded()]);
    expect(event!.metadata.actorId).toBe(ANONYMOUS_ACTOR);
    expect(JSON.stringify(event)).not.toMatch(/person|member|ip/i);
  });

  it.each([
    [{ publicToken: 'wrong' }, 'RESOURCE_NOT_FOUND', 'token'],
    [{ amount: 5000 }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: 0 }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: 1.5 }, 'INVALID_AMOUNT', 'amount'],
    [{ itemCategory: 'gold' as never }, 'INVALID_ITEM_CATEGORY', 'itemCategory'],
    [{ direction: 'stole' as never }, 'INVALID_DIRECTION', 'direction'],
  ])('given a fridge, when an entry says %j, then it is refused with %s', (data, code, field) => {
    refused([registered], entry(data), code, field);
  });

  it('given nothing, when an entry arrives, then the link leads nowhere', () => {
    refused([], entry(), 'RESOURCE_NOT_FOUND', 'token');
  });

  it(`given ${RESOURCE_ENTRY_LIMIT.entries} entries in the last minutes, when one more arrives, then it is rate limited; later it is accepted again`, () => {
    const burst = Array.from({ length: RESOURCE_ENTRY_LIMIT.entries }, (_, index) => recorded(new Date(Date.parse(NOW) + index * 1000).toISOString()));
    refused([registered, ...burst], entry({}, '2026-11-25T09:01:00.000Z'), 'RATE_LIMITED', 'token');
    const later = '2026-11-25T09:11:00.000Z';
    spec(sharedResourceDecider)
      .given([registered, ...burst])
      .when(entry({}, later))
      .then([recorded(later)]);
  });

  it('given a retired fridge, when an entry arrives or it is retired again, then it is refused', () => {
    refused([registered, retired], entry(), 'RESOURCE_RETIRED');
    refused([registered, retired], { type: 'RetireSharedResource', data: { actor: coordinator }, metadata: { now: NOW, actorId: 'x' } }, 'RESOURCE_RETIRED');
  });

  it('given a fridge, when a member retires it, then it is refused: coordinators only', () => {
    refused([registered], { type: 'RetireSharedResource', data: { actor: member }, metadata: { now: NOW, actorId: 'x' } }, 'NOT_ALLOWED');
  });

  it('computes stock per item category, never below zero', () => {
    const afterLeft = stockAfter([], { direction: 'left', itemCategory: 'bread', amount: 3 });
    expect(afterLeft).toEqual([{ itemCategory: 'bread', amount: 3 }]);
    const afterTook = stockAfter(afterLeft, { direction: 'took', itemCategory: 'bread', amount: 5 });
    expect(afterTook).toEqual([{ itemCategory: 'bread', amount: 0 }]);
    expect(stockAfter(afterTook, { direction: 'left', itemCategory: 'dairy', amount: 2 })).toEqual([
      { itemCategory: 'bread', amount: 0 },
      { itemCategory: 'dairy', amount: 2 },
    ]);
  });
});
