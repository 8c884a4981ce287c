import { RegionCreatedV1, RequestPostedV1, ContractValidationError } from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import { createOutboxMapper } from './outbox-mapper';

const podId = '5f0c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const requestId = '6a1d3b4c-5e6f-4a70-8b8c-9d0e1f2a3b4c';
const eventId = '7b2e4c5d-6f70-4b81-9c9d-0e1f2a3b4c5d';

const posted: PendingEvent = {
  eventId,
  streamId: `request:${podId}:${requestId}`,
  streamPosition: 1,
  podId,
  type: 'RequestPosted',
  data: {
    requestId,
    podId,
    requesterMemberId: '8c3f5d6e-7081-4c92-8dae-1f2a3b4c5d6e',
    title: '  Soup for Maria  ',
    category: 'meals',
    urgency: 'urgent',
    postedAt: '2025-03-01T10:00:00.000Z',
    internalNote: 'not for other services',
  },
  metadata: { occurredAt: '2025-03-01T10:00:00.000Z', actorId: 'person-1', podId, correlationId: 'corr-1', causationId: 'cmd-1' },
};

const mapper = createOutboxMapper({
  service: 'requests',
  region: 'lisboa',
  map: (event) => (event.type === 'RequestPosted' ? { contract: RequestPostedV1, data: event.data } : null),
});

describe('createOutboxMapper', () => {
  it('turns a mapped event into a CloudEvent on its subject, deduplicated by event id', () => {
    const published = { ...(posted.data as object), title: 'Soup for Maria', internalNote: undefined };
    const message = mapper(posted);
    expect(message).toEqual({
      subject: `mutuo.evt.lisboa.${podId}.requests.request-posted.v1`,
      // Not the event's own data: the row stores it for the relay.
      data: published,
      headers: { 'Nats-Msg-Id': eventId, 'Content-Type': 'application/cloudevents+json' },
    });
    // What the relay will build from the row and publish.
    expect(message!.payload).toEqual({
      specversion: '1.0',
      id: eventId,
      source: '/mutuo/lisboa/requests',
      type: 'requests.request-posted.v1',
      subject: `request:${podId}:${requestId}`,
      time: '2025-03-01T10:00:00.000Z',
      datacontenttype: 'application/json',
      // As the contract defines it: trimmed, and without fields the contract does not publish.
      data: published,
      podid: podId,
      regionid: 'lisboa',
      correlationid: 'corr-1',
      causationid: 'cmd-1',
      streamversion: 1,
      actorid: 'person-1',
    });
    expect(message!.payload.data).not.toHaveProperty('internalNote');
  });

  it("leaves the data out when the contract publishes the event's data as it is, so the row does not store it twice", () => {
    // The contract's fields, in another order than it lists them.
    const asPublished: PendingEvent = {
      ...posted,
      data: {
        postedAt: '2025-03-01T10:00:00.000Z',
        urgency: 'urgent',
        category: 'meals',
        title: 'Soup for Maria',
        requesterMemberId: '8c3f5d6e-7081-4c92-8dae-1f2a3b4c5d6e',
        podId,
        requestId,
      },
    };
    const message = mapper(asPublished);
    expect(message).not.toHaveProperty('data');
    expect(message!.payload.data).toEqual(asPublished.data);
  });

  it('keeps events it does not map inside the service', () => {
    expect(mapper({ ...posted, type: 'RequestDraftSaved' })).toBeNull();
  });

  it('starts a correlation at the event when the command had none', () => {
    const message = mapper({ ...posted, metadata: { occurredAt: posted.metadata.occurredAt, actorId: 'person-1' } });
    expect(message!.payload).toMatchObject({ correlationid: eventId });
    expect(message!.payload).not.toHaveProperty('causationid');
  });

  it('throws on data that breaks the contract, failing the append', () => {
    const invalid = { ...posted, data: { ...(posted.data as object), urgency: 'whenever' } };
    expect(() => mapper(invalid)).toThrow(ContractValidationError);
    expect(() => mapper(invalid)).toThrow(/urgency: /);
  });

  it('throws on an event its CloudEvent could not be built from, failing the append', () => {
    expect(() => mapper({ ...posted, metadata: { ...posted.metadata, occurredAt: 'yesterday' } })).toThrow(/^Invalid CloudEvent: time: /);
    expect(() => mapper({ ...posted, eventId: 'event-1' })).toThrow(/^Invalid CloudEvent: id: /);
    expect(() => mapper({ ...posted, metadata: { ...posted.metadata, actorId: '' } })).toThrow(/^Invalid CloudEvent: actorid: /);
  });

  it("refuses to publish another service's contract", () => {
    const confused = createOutboxMapper({
      service: 'requests',
      region: 'lisboa',
      map: () => ({ contract: RegionCreatedV1, data: { regionId: podId, name: 'Lisboa', slug: 'lisboa' } }),
    });
    expect(() => confused(posted)).toThrow(/Service requests cannot publish membership\.region-created\.v1/);
  });

  it('validates its settings up front', () => {
    expect(() => createOutboxMapper({ service: 'requests', region: 'lis boa', map: () => null })).toThrow(/region "lis boa"/);
  });
});
