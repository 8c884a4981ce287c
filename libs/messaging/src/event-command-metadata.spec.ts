import { commandMetadataForEvent } from './event-command-metadata';
import type { ReceivedEvent } from './received-event';

describe('commandMetadataForEvent', () => {
  const event = {
    id: '7d1f2c1e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
    podId: '11111111-2222-4333-8444-555555555555',
    regionId: 'lisbon',
    correlationId: 'corr-9',
  } as ReceivedEvent;

  it('acts as the service, in the pod and correlation of the event, caused by it', () => {
    expect(commandMetadataForEvent(event, 'system:matching', new Date('2026-11-25T10:00:00Z'))).toEqual({
      now: '2026-11-25T10:00:00.000Z',
      actorId: 'system:matching',
      podId: event.podId,
      regionId: 'lisbon',
      correlationId: 'corr-9',
      causationId: event.id,
    });
  });

  it('leaves the pod out for an event that belongs to no pod', () => {
    expect(commandMetadataForEvent({ ...event, podId: null }, 'system:funds')).not.toHaveProperty('podId');
  });
});
