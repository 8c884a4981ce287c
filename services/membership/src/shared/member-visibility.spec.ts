import { memberIdFor } from '@mutuo/contracts';
import { canSeeContactChannels, canSeePrivateDetails, viewerOf, type Viewer } from './member-visibility';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const otherPodId = 'd3e8d2d7-4f1f-4c1b-8e66-9e2a7a0d1b12';
const ana = { id: memberIdFor(podId, 'person-ana'), podId };

const viewer = (subject: string, roles: string[], pod: string | null = podId): Viewer =>
  viewerOf({ correlationId: 'c', identity: { subject, podId: pod ?? undefined, roles, token: 't' } });

describe('who may see contact channels and precise location', () => {
  it('the member themself', () => {
    expect(canSeePrivateDetails(viewer('person-ana', ['member']), ana)).toBe(true);
  });

  it("a coordinator of the member's pod", () => {
    expect(canSeePrivateDetails(viewer('person-cy', ['member', 'coordinator']), ana)).toBe(true);
  });

  it('not another member of the pod', () => {
    expect(canSeePrivateDetails(viewer('person-bo', ['member']), ana)).toBe(false);
  });

  it("not a coordinator of another pod, nor the same person's profile in another pod", () => {
    expect(canSeePrivateDetails(viewer('person-cy', ['coordinator'], otherPodId), ana)).toBe(false);
    expect(canSeePrivateDetails(viewer('person-ana', ['member'], otherPodId), ana)).toBe(false);
  });

  it('not a caller without a pod or without a token, whatever roles they claim', () => {
    expect(canSeePrivateDetails(viewer('person-op', ['operator', 'coordinator'], null), ana)).toBe(false);
    expect(canSeePrivateDetails(viewerOf({ correlationId: 'c' }), ana)).toBe(false);
  });
});

describe('who may see contact channels, beyond the member and their coordinators', () => {
  it('the counterpart in a standing match, in the same pod or another', () => {
    expect(canSeeContactChannels(viewer('person-bo', ['member']), ana, true)).toBe(true);
    expect(canSeeContactChannels(viewer('person-cleo', ['member'], otherPodId), ana, true)).toBe(true);
  });

  it('not another member without such a match, nor a caller without a pod', () => {
    expect(canSeeContactChannels(viewer('person-bo', ['member']), ana, false)).toBe(false);
    expect(canSeeContactChannels(viewerOf({ correlationId: 'c' }), ana, true)).toBe(false);
  });

  it('still the member themself and their coordinators, with or without a match', () => {
    expect(canSeeContactChannels(viewer('person-ana', ['member']), ana, false)).toBe(true);
    expect(canSeeContactChannels(viewer('person-cy', ['member', 'coordinator']), ana, false)).toBe(true);
  });
});
