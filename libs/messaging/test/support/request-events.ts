import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RequestPostedV1, memberIdFor } from '@mutuo/contracts';
import { PostgresEventStore, streamName, type NewEvent, type StoredEvent } from '@mutuo/event-store';
import { createOutboxMapper, toCloudEvent, type MutuoCloudEvent } from '../../src';

export const REGION = 'test-region';

/** The requests service's outbox mapper: its internal `RequestPosted` leaves as `requests.request-posted.v1`. */
export function requestsOutboxMapper(prefix: string) {
  return createOutboxMapper({
    service: 'requests',
    region: REGION,
    prefix,
    map: (event) => (event.type === 'RequestPosted' ? { contract: RequestPostedV1, data: event.data } : null),
  });
}

export function requestsEventStore(prefix: string, onAppended?: () => void): PostgresEventStore {
  return new PostgresEventStore({ outbox: requestsOutboxMapper(prefix), onAppended });
}

export function requestPosted(podId: string, requestId: string, title = 'Soup for a neighbour'): NewEvent {
  const postedAt = new Date().toISOString();
  return {
    type: 'RequestPosted',
    data: {
      requestId,
      podId,
      requesterMemberId: memberIdFor(podId, 'person-1'),
      title,
      category: 'meals',
      urgency: 'normal',
      postedAt,
    },
    metadata: { occurredAt: postedAt, actorId: 'person-1', podId, correlationId: `corr-${requestId}` },
  };
}

/** Appends one `request` stream per request, `eventsPerStream` RequestPosted events each (titles "#1", "#2", ...). */
export async function appendRequests(
  store: PostgresEventStore,
  em: EntityManager,
  podId: string,
  streams: number,
  eventsPerStream = 1,
): Promise<StoredEvent[]> {
  const appended: StoredEvent[] = [];
  for (let i = 0; i < streams; i++) {
    const requestId = randomUUID();
    const events = Array.from({ length: eventsPerStream }, (_, n) => requestPosted(podId, requestId, `#${n + 1}`));
    const result = await store.append(em.fork(), streamName('request', podId, requestId), events, 'no_stream');
    appended.push(...result.events);
  }
  return appended;
}

/** A `requests.request-posted.v1` CloudEvent as the requests service publishes it, for consumer tests. */
export function requestPostedCloudEvent(podId: string, requestId = randomUUID(), streamVersion = 1, title = 'Soup'): MutuoCloudEvent {
  return toCloudEvent({
    id: randomUUID(),
    region: REGION,
    service: 'requests',
    type: RequestPostedV1.type,
    subject: `request:${podId}:${requestId}`,
    time: new Date().toISOString(),
    data: {
      requestId,
      podId,
      requesterMemberId: memberIdFor(podId, 'person-1'),
      title,
      category: 'meals',
      urgency: 'urgent',
      postedAt: new Date().toISOString(),
    },
    podId,
    correlationId: 'corr-1',
    streamVersion,
    actorId: 'person-1',
  });
}
