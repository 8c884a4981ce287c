import { DomainRuleViolation, isUuid } from '@mutuo/domain';
import { streamName } from '@mutuo/event-store';

/** Ids from the API are checked before they name a stream: a malformed one is simply not found. */
function id(value: string, field: string, what: string): string {
  if (!isUuid(value)) throw new DomainRuleViolation(`${what.toUpperCase()}_NOT_FOUND`, `There is no such ${what.replace('_', ' ')}`, field);
  return value.toLowerCase();
}

export const requestStream = (podId: string, requestId: string) => streamName('request', podId, id(requestId, 'requestId', 'request'));
export const offerStream = (podId: string, offerId: string) => streamName('offer', podId, id(offerId, 'offerId', 'offer'));
export const sharedResourceStream = (podId: string, resourceId: string) => streamName('shared-resource', podId, id(resourceId, 'resourceId', 'resource'));
export const incidentStream = (podId: string, incidentId: string) => streamName('incident', podId, id(incidentId, 'incidentId', 'incident'));
