import { contractRegistry } from './registry';
import {
  IncidentClosedV1,
  IncidentDeclaredV1,
  OfferClosedV1,
  OfferPostedV1,
  RequestEditedV1,
  RequestFulfilledV1,
  RequestPostedV1,
  REQUESTS_CONTRACTS,
} from './requests.contracts';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const memberId = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const helperId = '5c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const requestId = '4d5e6f70-8192-4dbe-af30-4b5c6d7e8f90';
const at = '2026-11-25T09:00:00.000Z';
const window = { from: at, until: '2026-11-27T09:00:00.000Z', rrule: null, durationMinutes: null };

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

describe('requests contracts', () => {
  it('are all registered under requests.<name>.v1', () => {
    for (const contract of REQUESTS_CONTRACTS) {
      expect(contract.service).toBe('requests');
      expect(contractRegistry.find(contract.type)).toBe(contract);
    }
  });

  it('request-posted still accepts what the first consumers were built on, and the matchable fields when given', () => {
    const skeleton = { requestId, podId, requesterMemberId: memberId, title: 'Groceries', category: 'groceries', urgency: 'urgent', postedAt: at };
    expect(RequestPostedV1.parse(skeleton)).toEqual({ ok: true, data: skeleton });
    const full = {
      ...skeleton,
      subcategory: 'baby-food',
      language: 'pt-BR',
      window,
      locationCell: 'ez8xyz',
      visibility: 'pod',
      quantity: 2,
      anonymous: true,
      incidentId: null,
    };
    expect(RequestPostedV1.parse(full).ok).toBe(true);
    expect(issuePaths(RequestPostedV1.parse({ ...full, locationCell: 'ez8xyzab12', subcategory: 'Baby Food' }))).toEqual(['subcategory', 'locationCell']);
  });

  it('request-edited carries the whole matchable state', () => {
    const edited = {
      requestId,
      podId,
      title: 'Groceries',
      urgency: 'normal',
      category: 'food',
      subcategory: null,
      language: 'en',
      window,
      locationCell: null,
      visibility: 'region',
      quantity: null,
      respondBy: at,
      editedAt: at,
    };
    expect(RequestEditedV1.parse(edited).ok).toBe(true);
    expect(issuePaths(RequestEditedV1.parse({ ...edited, visibility: 'everyone' }))).toEqual(['visibility']);
  });

  it('request-fulfilled gives whole minutes per helper for funds', () => {
    const fulfilled = {
      requestId,
      podId,
      fulfilmentId: requestId,
      requesterMemberId: memberId,
      helperMemberIds: [helperId],
      contributions: [{ helperMemberId: helperId, minutes: 90 }],
      hoursGivenMinutes: 90,
      confirmedBy: 'requester',
      confirmedByMemberId: memberId,
      category: 'errands',
      postedAt: at,
      firstMatchedAt: at,
      fulfilledAt: at,
    };
    expect(RequestFulfilledV1.parse(fulfilled).ok).toBe(true);
    expect(issuePaths(RequestFulfilledV1.parse({ ...fulfilled, hoursGivenMinutes: 1.5 }))).toEqual(['hoursGivenMinutes']);
  });

  it('offers carry their remaining quantity; incidents an area and a summary', () => {
    expect(
      OfferPostedV1.parse({
        offerId: requestId,
        podId,
        offererMemberId: memberId,
        title: 'Soup',
        category: 'meals',
        subcategory: null,
        language: 'en',
        window,
        locationCell: null,
        visibility: 'pod',
        quantity: 5,
        remainingQuantity: 5,
        regionId: null,
        postedAt: at,
      }).ok,
    ).toBe(true);
    expect(issuePaths(OfferClosedV1.parse({ offerId: requestId, podId, remainingQuantity: -1, at, reason: 'exhausted' }))).toEqual(['remainingQuantity']);
    const area = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    };
    expect(
      IncidentDeclaredV1.parse({
        incidentId: requestId,
        podId,
        regionId: null,
        name: 'Flood',
        type: 'flood',
        area,
        startedAt: at,
        declaredByMemberId: memberId,
        declaredAt: at,
      }).ok,
    ).toBe(true);
    expect(
      issuePaths(
        IncidentClosedV1.parse({
          incidentId: requestId,
          podId,
          closedByMemberId: memberId,
          closedAt: at,
          summary: { requestsReceived: 3, requestsMatched: 2, requestsFulfilled: -1, medianMinutesToFirstMatch: null },
        }),
      ),
    ).toEqual(['summary.requestsFulfilled']);
  });
});
