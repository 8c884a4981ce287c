import { DomainRuleViolation, spec } from '@mutuo/domain';
import { requestDecider, type PostRequest, type RequestPosted } from './request.decider';

const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'person-ana', podId: 'pod-1' };
const post = (data: Partial<PostRequest['data']> = {}): PostRequest => ({
  type: 'PostRequest',
  data: {
    requestId: 'req-1',
    podId: 'pod-1',
    requesterMemberId: 'member-ana',
    title: '  Groceries for this week ',
    description: 'I broke my ankle and cannot carry bags.',
    language: 'en',
    category: 'groceries',
    urgency: 'urgent',
    ...data,
  },
  metadata,
});
const posted: RequestPosted = {
  type: 'RequestPosted',
  data: {
    requestId: 'req-1',
    podId: 'pod-1',
    requesterMemberId: 'member-ana',
    title: 'Groceries for this week',
    description: 'I broke my ankle and cannot carry bags.',
    language: 'en',
    category: 'groceries',
    urgency: 'urgent',
    postedAt: metadata.now,
  },
  metadata: { occurredAt: metadata.now, actorId: 'person-ana', podId: 'pod-1' },
};

describe('request', () => {
  it('given nothing, when a member posts a request, then it is posted at the command time', () => {
    spec(requestDecider).given([]).when(post()).then([posted]);
  });

  it('given a posted request, when it is posted again, then it is refused', () => {
    spec(requestDecider).given([posted]).when(post()).thenThrows(DomainRuleViolation, /already posted/);
  });

  it('given a posted request, its state is open', () => {
    expect(spec(requestDecider).given([posted]).state()).toMatchObject({ status: 'open', urgency: 'urgent' });
  });

  it.each([
    [{ title: 'hi' }, 'title'],
    [{ category: 'pets' as never }, 'category'],
    [{ urgency: 'asap' as never }, 'urgency'],
    [{ language: 'English' }, 'language'],
    [{ description: 'x'.repeat(4001) }, 'description'],
  ])('refuses %j, naming the field %s', (data, field) => {
    expect(spec(requestDecider).given([]).when(post(data)).thenThrows(DomainRuleViolation)).toMatchObject({ field });
  });
});
