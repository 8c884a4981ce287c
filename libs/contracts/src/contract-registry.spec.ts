import { z } from 'zod';
import { defineContract } from './contract';
import { ContractRegistry } from './contract-registry';
import { contractRegistry, findContract } from './registry';

describe('ContractRegistry', () => {
  const ParcelSentV1 = defineContract({ service: 'post', name: 'parcel-sent', version: 1, schema: z.object({ parcelId: z.uuid() }) });
  const ParcelSentV2 = defineContract({
    service: 'post',
    name: 'parcel-sent',
    version: 2,
    schema: z.object({ parcelId: z.uuid(), weightGrams: z.number().int().positive() }),
  });
  const registry = new ContractRegistry([ParcelSentV1, ParcelSentV2]);

  it('finds a contract by type', () => {
    expect(registry.find('post.parcel-sent.v2')).toBe(ParcelSentV2);
    expect(registry.find('post.parcel-sent.v3')).toBeUndefined();
  });

  it('tells an unknown version of a known event apart from an unknown event', () => {
    expect(registry.resolve('post.parcel-sent.v3')).toEqual({
      ok: false,
      reason: 'unknown-version',
      message: 'Event post.parcel-sent has no version 3 here (known: v1, v2)',
      knownVersions: [1, 2],
    });
    expect(registry.resolve('post.parcel-lost.v1')).toMatchObject({ ok: false, reason: 'unknown-type' });
    expect(registry.resolve('not a type')).toMatchObject({ ok: false, reason: 'malformed-type' });
  });

  it('parses data with the contract of its type and reports invalid data with field paths', () => {
    const parcelId = '0b5c1f7e-3d2a-4e6b-9c8d-7f1a2b3c4d5e';
    expect(registry.parse('post.parcel-sent.v2', { parcelId, weightGrams: 500 })).toEqual({
      ok: true,
      contract: ParcelSentV2,
      data: { parcelId, weightGrams: 500 },
    });
    const invalid = registry.parse('post.parcel-sent.v2', { parcelId: 'x' });
    expect(invalid).toMatchObject({ ok: false, reason: 'invalid-data', contract: ParcelSentV2 });
    expect(!invalid.ok && invalid.issues.map((issue) => issue.path)).toEqual(['parcelId', 'weightGrams']);
    expect(registry.parse('post.parcel-sent.v9', {})).toMatchObject({ ok: false, reason: 'unknown-version', issues: [] });
  });

  it('refuses a second, different contract under the same type but accepts the same one again', () => {
    const impostor = defineContract({ service: 'post', name: 'parcel-sent', version: 1, schema: z.object({}) });
    expect(() => registry.register(impostor)).toThrow(/already registered as post\.parcel-sent\.v1/);
    expect(() => registry.register(ParcelSentV1)).not.toThrow();
  });

  it('lists contracts sorted by type', () => {
    expect(registry.list().map((contract) => contract.type)).toEqual(['post.parcel-sent.v1', 'post.parcel-sent.v2']);
  });
});

describe('contractRegistry', () => {
  it('holds every service contract, each type once', () => {
    const types = contractRegistry.list().map((contract) => contract.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(
      expect.arrayContaining([
        'matching.request-evaluated.v1',
        'membership.boundaries-changed.v1',
        'membership.coordinator-gap-alerted.v1',
        'membership.member-blocked.v1',
        'membership.member-joined.v1',
        'membership.member-left.v1',
        'membership.member-paused.v1',
        'membership.member-returned.v1',
        'membership.member-unblocked.v1',
        'membership.pod-application-declined.v1',
        'membership.pod-created.v1',
        'membership.pod-joined-region.v1',
        'membership.pod-left-region.v1',
        'membership.pod-settings-changed.v1',
        'membership.region-created.v1',
        'membership.role-ended.v1',
        'membership.role-granted.v1',
        'membership.role-lapsed.v1',
        'membership.role-term-ending.v1',
        'membership.sign-in-code-requested.v1',
        'requests.request-posted.v1',
      ]),
    );
    expect(findContract('requests.request-posted.v1')?.service).toBe('requests');
  });
});
