import { PodCreatedV1, RegionCreatedV1 } from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import { definePublication, firstPublication } from './publication';

type RegionCreated = { type: 'RegionCreated'; data: { regionId: string; name: string } };
type PodCreated = { type: 'PodCreated'; data: { podId: string } };
type RegionRenamed = { type: 'RegionRenamed'; data: { regionId: string } };

const pending = (type: string, data: unknown): PendingEvent => ({
  eventId: 'event-1',
  streamId: 'region:-:r1',
  streamPosition: 1,
  podId: null,
  type,
  data,
  metadata: { occurredAt: '2026-12-01T10:00:00.000Z', actorId: 'test' },
});

describe('definePublication', () => {
  const regions = definePublication<RegionCreated | RegionRenamed, [suffix: string]>({
    RegionCreated: (event, suffix) => ({ contract: RegionCreatedV1, data: { regionId: event.data.regionId, name: `${event.data.name}${suffix}` } }),
  });

  it('maps an event with the mapping of its own type, passing the context along', () => {
    expect(regions(pending('RegionCreated', { regionId: 'r1', name: 'Lisboa' }), ' (test)')).toEqual({
      contract: RegionCreatedV1,
      data: { regionId: 'r1', name: 'Lisboa (test)' },
    });
  });

  it('keeps internal the types it has no mapping for, and types it does not know', () => {
    expect(regions(pending('RegionRenamed', { regionId: 'r1' }), '')).toBeNull();
    expect(regions(pending('toString', {}), '')).toBeNull();
  });

  it('chains publications: the first that publishes an event wins', () => {
    const pods = definePublication<PodCreated>({ PodCreated: (event) => ({ contract: PodCreatedV1, data: event.data }) });
    const both = firstPublication<[suffix: string]>(regions, pods);
    expect(both(pending('PodCreated', { podId: 'p1' }), '')).toEqual({ contract: PodCreatedV1, data: { podId: 'p1' } });
    expect(both(pending('RegionCreated', { regionId: 'r1', name: 'Porto' }), '!')?.data).toEqual({ regionId: 'r1', name: 'Porto!' });
    expect(both(pending('RegionRenamed', { regionId: 'r1' }), '')).toBeNull();
  });
});
