import type { EventUpcaster } from '@mutuo/event-store';
import type { Urgency } from '@mutuo/contracts';
import { DEFAULT_RESPONSE_TARGETS, respondBy } from '../domain/help-facts';

/**
 * Every change to the shape of requests' events, oldest first (libs/event-store EventUpcasters applies them when
 * events are read). Old-shape fixtures of each stage are in test/fixtures/events, replayed by test/event-history.spec.ts.
 * Events written before versioning carry no version: each step only fills what is missing.
 */

/**
 * Region browsing (6d1440f) reads `regionId`, which events written before it lack. Their region at the time is not
 * in the event, so it stays unknown (null): the region-browse policy (`region_id = <caller's region>`) never lets such
 * a row out of its own pod, which is exactly who could see it when it was posted.
 */
const withRegion = (type: string, fromVersion: number): EventUpcaster => ({
  type,
  fromVersion,
  upcast: (data) => ('regionId' in data && data['regionId'] !== undefined ? data : { ...data, regionId: null }),
});

/**
 * The first requests service (4e88026) posted a request with its text, category and urgency only. The lifecycle
 * (8841a9b) added who posted it, anonymity, incident, help facts and a response deadline. Defaults: posted by the
 * requester, not anonymous, no incident, no window or place, pod visibility, and the deadline the default response
 * targets give (the pod's own targets at the time are not in the event).
 */
const requestPostedLifecycle: EventUpcaster = {
  type: 'RequestPosted',
  fromVersion: 1,
  upcast: (data) => ({
    postedByMemberId: data['requesterMemberId'],
    anonymous: false,
    incidentId: null,
    subcategory: null,
    window: { from: null, until: null, rrule: null, durationMinutes: null },
    location: { cell: null, precise: null },
    visibility: 'pod',
    quantity: null,
    ...data,
    respondBy:
      data['respondBy'] ??
      (typeof data['postedAt'] === 'string' && typeof data['urgency'] === 'string'
        ? respondBy(data['postedAt'], data['urgency'] as Urgency, DEFAULT_RESPONSE_TARGETS)
        : null),
  }),
};

export const REQUESTS_UPCASTERS: readonly EventUpcaster[] = [
  requestPostedLifecycle,
  withRegion('RequestPosted', 2),
  withRegion('OfferPosted', 1),
  withRegion('IncidentDeclared', 1),
];
