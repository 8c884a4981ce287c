import { DomainRuleViolation, spec } from '@mutuo/domain';
import { DEFAULT_RESPONSE_TARGETS, type Actor } from './help-facts';
import { FORMER_MEMBER_TEXT, requestDecider, type PostRequest, type RequestCommand, type RequestEvent, type RequestPosted } from './request.decider';

const NOW = '2026-11-25T09:00:00.000Z';
const LATER = '2026-11-25T10:00:00.000Z';
const metadata = (now = NOW) => ({ now, actorId: 'person-ana', podId: 'pod-1' });
const eventMetadata = (now = NOW) => ({ occurredAt: now, actorId: 'person-ana', podId: 'pod-1' });

const ana: Actor = { memberId: 'member-ana', roles: ['member'] };
const bo: Actor = { memberId: 'member-bo', roles: ['member'] };
const coordinator: Actor = { memberId: 'member-cora', roles: ['member', 'coordinator'] };
const dispatcher: Actor = { memberId: 'member-dina', roles: ['dispatcher'] };

const facts = {
  title: 'Groceries for this week',
  description: 'I broke my ankle and cannot carry bags.',
  language: 'en',
  category: 'groceries' as const,
  subcategory: null,
  window: { from: null, until: '2026-11-27T09:00:00.000Z', rrule: null, durationMinutes: null },
  location: { cell: 'eyckr1', precise: null },
  visibility: 'pod' as const,
  quantity: null,
};

const post = (data: Partial<PostRequest['data']> = {}): PostRequest => ({
  type: 'PostRequest',
  data: {
    ...facts,
    title: '  Groceries for this week ',
    requestId: 'req-1',
    podId: 'pod-1',
    requesterMemberId: 'member-ana',
    actor: ana,
    anonymous: false,
    incidentId: null,
    regionId: null,
    urgency: 'urgent',
    responseTargets: DEFAULT_RESPONSE_TARGETS,
    ...data,
  },
  metadata: metadata(),
});

const posted: RequestPosted = {
  type: 'RequestPosted',
  data: {
    ...facts,
    requestId: 'req-1',
    podId: 'pod-1',
    regionId: null,
    requesterMemberId: 'member-ana',
    postedByMemberId: 'member-ana',
    anonymous: false,
    incidentId: null,
    urgency: 'urgent',
    postedAt: NOW,
    respondBy: '2026-11-26T09:00:00.000Z',
  },
  metadata: eventMetadata(),
};
const matched = (matchId = 'match-1', helperMemberId = 'member-bo'): RequestEvent => ({
  type: 'RequestMatched',
  data: { requestId: 'req-1', matchId, helperMemberId, matchedAt: NOW, firstMatchedAt: NOW },
  metadata: eventMetadata(),
});
const started: RequestEvent = {
  type: 'RequestStarted',
  data: { requestId: 'req-1', startedByMemberId: 'member-bo', startedAt: NOW },
  metadata: eventMetadata(),
};
const fulfilled: RequestEvent = {
  type: 'RequestFulfilled',
  data: {
    requestId: 'req-1',
    fulfilmentId: 'ful-1',
    requesterMemberId: 'member-ana',
    helperMemberIds: ['member-bo'],
    category: 'groceries',
    postedAt: NOW,
    firstMatchedAt: NOW,
    contributions: [{ helperMemberId: 'member-bo', minutes: 90 }],
    confirmedBy: 'requester',
    confirmedByMemberId: 'member-ana',
    fulfilledAt: NOW,
  },
  metadata: eventMetadata(),
};
const cancelled: RequestEvent = {
  type: 'RequestCancelled',
  data: { requestId: 'req-1', cancelledByMemberId: 'member-ana', by: 'requester', cancelledAt: NOW },
  metadata: eventMetadata(),
};
const expired: RequestEvent = { type: 'RequestExpired', data: { requestId: 'req-1', expiredAt: NOW }, metadata: eventMetadata() };

const command = <C extends RequestCommand>(type: C['type'], data: C['data'], now = NOW): C => ({ type, data, metadata: metadata(now) }) as C;
const edit = (change: object, actor: Actor = ana) => command('EditRequest', { change, actor, responseTargets: DEFAULT_RESPONSE_TARGETS });
const confirm = (actor: Actor, contributions = [{ helperMemberId: 'member-bo', minutes: 90 }]) =>
  command('ConfirmFulfilment', { fulfilmentId: 'ful-1', actor, contributions });
const refused = (history: RequestEvent[], cmd: RequestCommand, code: string, field?: string) => {
  const error = spec(requestDecider).given(history).when(cmd).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  expect(error.code).toBe(code);
  if (field) expect(error.field).toBe(field);
};

describe('a request', () => {
  describe('posting', () => {
    it('given nothing, when a member posts a request, then it is posted at the command time with its response target', () => {
      spec(requestDecider).given([]).when(post()).then([posted]);
    });

    it('given a posted request, its state is open with no match yet', () => {
      expect(spec(requestDecider).given([posted]).state()).toMatchObject({ status: 'open', urgency: 'urgent', firstMatchedAt: null, matches: [] });
    });

    it('given nothing, when a coordinator posts for a member, anonymously, then the poster is recorded beside the requester', () => {
      const [event] = spec(requestDecider)
        .given([])
        .when(post({ actor: coordinator, anonymous: true }))
        .then([{ ...posted, data: { ...posted.data, postedByMemberId: 'member-cora', anonymous: true } }]);
      expect(event!.data).toMatchObject({ requesterMemberId: 'member-ana' });
    });

    it('given nothing, when a dispatcher posts for someone, then it is allowed', () => {
      expect(
        spec(requestDecider)
          .given([])
          .when(post({ actor: dispatcher }))
          .then([{ ...posted, data: { ...posted.data, postedByMemberId: 'member-dina' } }]),
      ).toHaveLength(1);
    });

    it('given nothing, when a plain member posts for someone else, then it is refused', () => {
      refused([], post({ actor: bo }), 'NOT_ALLOWED', 'onBehalfOfMemberId');
    });

    it('given nothing, when a request inside an incident gives no urgency, then it is urgent; outside one it is normal', () => {
      const inIncident = spec(requestDecider)
        .given([])
        .when(post({ urgency: null, incidentId: 'inc-1' }))
        .then([{ ...posted, data: { ...posted.data, incidentId: 'inc-1' } }]);
      expect(inIncident[0]!.data).toMatchObject({ urgency: 'urgent' });
      spec(requestDecider)
        .given([])
        .when(post({ urgency: null }))
        .then([{ ...posted, data: { ...posted.data, urgency: 'normal', respondBy: '2026-12-02T09:00:00.000Z' } }]);
    });

    it('given nothing, when the author shares a precise point, then the coarse cell is derived from it', () => {
      const [event] = spec(requestDecider)
        .given([])
        .when(post({ location: { cell: null, precise: { lat: 38.7223, lon: -9.1393 } } }))
        .then([{ ...posted, data: { ...posted.data, location: { cell: 'eycs21', precise: { lat: 38.7223, lon: -9.1393 } } } }]);
      expect(event).toBeDefined();
    });

    it('given nothing, when the window recurs weekly, then the rule is stored canonical with a default duration', () => {
      spec(requestDecider)
        .given([])
        .when(post({ window: { from: NOW, until: null, rrule: 'FREQ=WEEKLY;BYDAY=SA,MO;BYHOUR=10', durationMinutes: null } }))
        .then([
          {
            ...posted,
            data: { ...posted.data, window: { from: NOW, until: null, rrule: 'FREQ=WEEKLY;BYDAY=MO,SA;BYHOUR=10;BYMINUTE=0', durationMinutes: 60 } },
          },
        ]);
    });

    it('given a posted request, when it is posted again, then it is refused', () => {
      refused([posted], post(), 'REQUEST_EXISTS');
    });

    it.each([
      [{ title: 'hi' }, 'INVALID_TITLE', 'title'],
      [{ category: 'pets' as never }, 'INVALID_CATEGORY', 'category'],
      [{ subcategory: 'Baby Food' }, 'INVALID_SUBCATEGORY', 'subcategory'],
      [{ urgency: 'asap' as never }, 'INVALID_URGENCY', 'urgency'],
      [{ language: 'English' }, 'INVALID_LANGUAGE', 'language'],
      [{ description: 'x'.repeat(4001) }, 'INVALID_DESCRIPTION', 'description'],
      [{ quantity: 0 }, 'INVALID_QUANTITY', 'quantity'],
      [{ quantity: 2.5 }, 'INVALID_QUANTITY', 'quantity'],
      [{ visibility: 'world' as never }, 'INVALID_VISIBILITY', 'visibility'],
      [
        { window: { from: '2026-11-28T09:00:00.000Z', until: '2026-11-27T09:00:00.000Z', rrule: null, durationMinutes: null } },
        'INVALID_WINDOW',
        'window.until',
      ],
      [{ window: { from: null, until: '2026-11-24T09:00:00.000Z', rrule: null, durationMinutes: null } }, 'INVALID_WINDOW', 'window.until'],
      [{ window: { from: 'tomorrow', until: null, rrule: null, durationMinutes: null } }, 'INVALID_WINDOW', 'window.from'],
      [{ window: { from: null, until: null, rrule: 'FREQ=DAILY', durationMinutes: null } }, 'INVALID_RRULE', 'window.rrule'],
      [{ window: { from: null, until: null, rrule: null, durationMinutes: 30 } }, 'INVALID_WINDOW', 'window.durationMinutes'],
      [{ location: { cell: 'not a cell', precise: null } }, 'INVALID_LOCATION', 'location.cell'],
      [{ location: { cell: null, precise: { lat: 91, lon: 0 } } }, 'INVALID_LOCATION', 'location'],
    ])('given nothing, when posting %j, then it is refused with %s naming %s', (data, code, field) => {
      refused([], post(data as Partial<PostRequest['data']>), code, field);
    });
  });

  describe('editing', () => {
    it('given an open request, when the requester edits it, then the whole new facts are recorded and the target still counts from posting', () => {
      spec(requestDecider)
        .given([posted])
        .when(edit({ title: 'Groceries and bread', urgency: 'emergency' }, ana))
        .then([
          {
            type: 'RequestEdited',
            data: {
              ...facts,
              title: 'Groceries and bread',
              requestId: 'req-1',
              requesterMemberId: 'member-ana',
              urgency: 'emergency',
              respondBy: '2026-11-25T13:00:00.000Z',
              editedByMemberId: 'member-ana',
              editedAt: NOW,
            },
            metadata: eventMetadata(),
          },
        ]);
    });

    it('given a matched request, when a coordinator edits it, then it is allowed', () => {
      spec(requestDecider)
        .given([posted, matched()])
        .when(edit({ quantity: 3 }, coordinator))
        .then([
          {
            type: 'RequestEdited',
            data: {
              ...facts,
              quantity: 3,
              requestId: 'req-1',
              requesterMemberId: 'member-ana',
              urgency: 'urgent',
              respondBy: posted.data.respondBy,
              editedByMemberId: 'member-cora',
              editedAt: NOW,
            },
            metadata: eventMetadata(),
          },
        ]);
    });

    it('given an open request, when someone else edits it, then it is refused', () => {
      refused([posted], edit({ title: 'Mine now' }, bo), 'NOT_ALLOWED');
    });

    it.each([
      ['in progress', [posted, matched(), started]],
      ['fulfilled', [posted, matched(), fulfilled]],
      ['cancelled', [posted, cancelled]],
      ['expired', [posted, expired]],
    ])('given a %s request, when it is edited, then it is refused', (_name, history) => {
      refused(history as RequestEvent[], edit({ title: 'Changed' }), 'REQUEST_NOT_EDITABLE', 'requestId');
    });

    it('given nothing, when editing, then the request is not found', () => {
      refused([], edit({ title: 'Changed' }), 'REQUEST_NOT_FOUND');
    });

    it('given an open request, when an edit breaks a rule, then it is refused naming the field', () => {
      refused([posted], edit({ quantity: -1 }), 'INVALID_QUANTITY', 'quantity');
    });
  });

  describe('matching', () => {
    it('given an open request, when matching makes a match, then it is matched and the first match time is kept', () => {
      spec(requestDecider)
        .given([posted])
        .when(command('MatchRequest', { matchId: 'match-1', helperMemberId: 'member-bo' }))
        .then([matched()]);
      const second = { ...matched('match-2', 'member-cy'), data: { ...matched('match-2', 'member-cy').data, matchedAt: LATER } } as RequestEvent;
      spec(requestDecider)
        .given([posted, matched()])
        .when(command('MatchRequest', { matchId: 'match-2', helperMemberId: 'member-cy' }, LATER))
        .then([{ ...second, metadata: eventMetadata(LATER) } as RequestEvent]);
      const state = spec(requestDecider).given([posted, matched(), second]).state();
      expect(state).toMatchObject({ status: 'matched', firstMatchedAt: NOW, matches: [{ matchId: 'match-1' }, { matchId: 'match-2' }] });
    });

    it('given a matched request, when the same match arrives again, then nothing happens', () => {
      spec(requestDecider)
        .given([posted, matched()])
        .when(command('MatchRequest', { matchId: 'match-1', helperMemberId: 'member-bo' }))
        .then([]);
    });

    it('given an open request, when the requester is matched to themselves, then it is refused', () => {
      refused([posted], command('MatchRequest', { matchId: 'match-1', helperMemberId: 'member-ana' }), 'SELF_MATCH', 'helperMemberId');
    });

    it.each([
      ['fulfilled', [posted, matched(), fulfilled]],
      ['cancelled', [posted, cancelled]],
      ['expired', [posted, expired]],
    ])('given a %s request, when a match arrives, then it is refused', (_name, history) => {
      refused(history as RequestEvent[], command('MatchRequest', { matchId: 'match-9', helperMemberId: 'member-bo' }), 'REQUEST_CLOSED');
    });

    it('given a request matched once, when that match is withdrawn, then it is open again', () => {
      const reopened: RequestEvent = { type: 'RequestReopened', data: { requestId: 'req-1', matchId: 'match-1', reopenedAt: NOW }, metadata: eventMetadata() };
      spec(requestDecider)
        .given([posted, matched()])
        .when(command('WithdrawMatch', { matchId: 'match-1' }))
        .then([reopened]);
      expect(spec(requestDecider).given([posted, matched(), reopened]).state()).toMatchObject({ status: 'open', matches: [], firstMatchedAt: NOW });
    });

    it('given a request with two matches, when one is withdrawn, then it stays matched', () => {
      spec(requestDecider)
        .given([posted, matched(), matched('match-2', 'member-cy')])
        .when(command('WithdrawMatch', { matchId: 'match-1' }))
        .then([
          {
            type: 'RequestMatchWithdrawn',
            data: { requestId: 'req-1', matchId: 'match-1', helperMemberId: 'member-bo', withdrawnAt: NOW },
            metadata: eventMetadata(),
          },
        ]);
    });

    it('given a request, when an unknown match is withdrawn, then nothing happens', () => {
      spec(requestDecider)
        .given([posted])
        .when(command('WithdrawMatch', { matchId: 'match-x' }))
        .then([]);
    });
  });

  describe('help under way', () => {
    it('given a matched request, when the helper starts, then it is in progress', () => {
      spec(requestDecider)
        .given([posted, matched()])
        .when(command('StartHelp', { actor: bo }))
        .then([started]);
      expect(spec(requestDecider).given([posted, matched(), started]).state().status).toBe('in-progress');
    });

    it('given an open request, when help starts, then it is refused: nobody is matched', () => {
      refused([posted], command('StartHelp', { actor: ana }), 'REQUEST_NOT_MATCHED');
    });

    it('given a request in progress, when help starts again, then it is refused', () => {
      refused([posted, matched(), started], command('StartHelp', { actor: bo }), 'REQUEST_NOT_MATCHED');
    });

    it('given a matched request, when a stranger says help started, then it is refused', () => {
      refused([posted, matched()], command('StartHelp', { actor: { memberId: 'member-x', roles: [] } }), 'NOT_ALLOWED');
    });
  });

  describe('fulfilment', () => {
    it('given a request in progress, when the requester confirms with the minutes given, then it is fulfilled', () => {
      spec(requestDecider).given([posted, matched(), started]).when(confirm(ana)).then([fulfilled]);
      expect(spec(requestDecider).given([posted, matched(), fulfilled]).state()).toMatchObject({ status: 'fulfilled', fulfilmentId: 'ful-1' });
    });

    it('given a matched request, when a coordinator confirms for the requester, then it is fulfilled by the coordinator', () => {
      spec(requestDecider)
        .given([posted, matched()])
        .when(confirm(coordinator, []))
        .then([
          { ...fulfilled, data: { ...fulfilled.data, contributions: [], confirmedBy: 'coordinator', confirmedByMemberId: 'member-cora' } } as RequestEvent,
        ]);
    });

    it('given a matched request, when someone else confirms it, then it is refused: it is not theirs', () => {
      refused([posted, matched()], confirm(bo), 'NOT_YOUR_REQUEST', 'requestId');
    });

    it('given an open request, when the requester confirms, then it is refused: nobody was matched', () => {
      refused([posted], confirm(ana), 'REQUEST_NOT_MATCHED');
    });

    it.each([
      [[{ helperMemberId: 'member-zed', minutes: 30 }], 'NOT_A_HELPER', 'contributions.0.helperMemberId'],
      [
        [
          { helperMemberId: 'member-bo', minutes: 30 },
          { helperMemberId: 'member-bo', minutes: 10 },
        ],
        'DUPLICATE_HELPER',
        'contributions.1.helperMemberId',
      ],
      [[{ helperMemberId: 'member-bo', minutes: 12.5 }], 'INVALID_HOURS', 'contributions.0.minutes'],
      [[{ helperMemberId: 'member-bo', minutes: -5 }], 'INVALID_HOURS', 'contributions.0.minutes'],
      [[{ helperMemberId: 'member-bo', minutes: 20_000 }], 'INVALID_HOURS', 'contributions.0.minutes'],
    ])('given a matched request, when confirming %j, then it is refused with %s', (contributions, code, field) => {
      refused([posted, matched()], confirm(ana, contributions), code, field);
    });

    it.each([
      ['fulfilled', [posted, matched(), fulfilled]],
      ['cancelled', [posted, cancelled]],
      ['expired', [posted, expired]],
    ])('given a %s request, when it is confirmed, then it is refused', (_name, history) => {
      refused(history as RequestEvent[], confirm(ana), 'REQUEST_CLOSED');
    });

    it('given a fulfilled request, when a coordinator undoes the confirmation, then it is reversed and in progress again', () => {
      const reversed: RequestEvent = {
        type: 'RequestFulfilmentReversed',
        data: { requestId: 'req-1', fulfilmentId: 'ful-1', reversedByMemberId: 'member-cora', reason: 'Confirmed by mistake', reversedAt: NOW },
        metadata: eventMetadata(),
      };
      spec(requestDecider)
        .given([posted, matched(), fulfilled])
        .when(command('ReverseFulfilment', { actor: coordinator, reason: ' Confirmed by mistake ' }))
        .then([reversed]);
      expect(spec(requestDecider).given([posted, matched(), fulfilled, reversed]).state()).toMatchObject({
        status: 'in-progress',
        matches: [{ matchId: 'match-1' }],
      });
    });

    it('given a fulfilled request, when the requester tries to undo it, then it is refused: coordinators only', () => {
      refused([posted, matched(), fulfilled], command('ReverseFulfilment', { actor: ana, reason: 'Oops, wrong one' }), 'NOT_ALLOWED');
    });

    it('given a matched request, when a coordinator undoes a confirmation, then it is refused: nothing was confirmed', () => {
      refused([posted, matched()], command('ReverseFulfilment', { actor: coordinator, reason: 'Oops, wrong one' }), 'REQUEST_NOT_FULFILLED');
    });

    it('given a fulfilled request, when the undo gives no reason, then it is refused naming the reason', () => {
      refused([posted, matched(), fulfilled], command('ReverseFulfilment', { actor: coordinator, reason: ' ' }), 'INVALID_REASON', 'reason');
      refused([posted, matched(), fulfilled], command('ReverseFulfilment', { actor: coordinator, reason: 'by\u0007 mistake' }), 'INVALID_REASON', 'reason');
    });
  });

  describe('cancelling and expiring', () => {
    it('given an open request, when the requester cancels it, then it is cancelled', () => {
      spec(requestDecider)
        .given([posted])
        .when(command('CancelRequest', { actor: ana }))
        .then([cancelled]);
    });

    it('given a request in progress, when a coordinator cancels it, then it is cancelled by the coordinator', () => {
      spec(requestDecider)
        .given([posted, matched(), started])
        .when(command('CancelRequest', { actor: coordinator }))
        .then([{ ...cancelled, data: { ...cancelled.data, cancelledByMemberId: 'member-cora', by: 'coordinator' } } as RequestEvent]);
    });

    it('given an open request, when someone else cancels it, then it is refused', () => {
      refused([posted], command('CancelRequest', { actor: bo }), 'NOT_ALLOWED');
    });

    it.each([
      ['fulfilled', [posted, matched(), fulfilled]],
      ['cancelled', [posted, cancelled]],
      ['expired', [posted, expired]],
    ])('given a %s request, when it is cancelled, then it is refused', (_name, history) => {
      refused(history as RequestEvent[], command('CancelRequest', { actor: ana }), 'REQUEST_CLOSED');
    });

    it('given an open request whose window ended, when the expiry job runs, then it expires', () => {
      spec(requestDecider)
        .given([posted])
        .when(command('ExpireRequest', {}, '2026-11-27T09:00:00.000Z'))
        .then([
          {
            ...expired,
            data: { requestId: 'req-1', expiredAt: '2026-11-27T09:00:00.000Z' },
            metadata: eventMetadata('2026-11-27T09:00:00.000Z'),
          } as RequestEvent,
        ]);
    });

    it('given an open request whose window is still running, when the expiry job runs, then it is refused: not due', () => {
      refused([posted], command('ExpireRequest', {}, '2026-11-27T08:59:59.000Z'), 'REQUEST_NOT_DUE');
    });

    it('given a request without an end, when the expiry job runs, then it is refused: not due', () => {
      const openEnded = { ...posted, data: { ...posted.data, window: { ...facts.window, until: null } } };
      refused([openEnded], command('ExpireRequest', {}, '2030-01-01T00:00:00.000Z'), 'REQUEST_NOT_DUE');
    });

    it.each([
      ['in progress', [posted, matched(), started]],
      ['fulfilled', [posted, matched(), fulfilled]],
      ['cancelled', [posted, cancelled]],
    ])('given a %s request, when the expiry job runs, then it is refused', (_name, history) => {
      refused(history as RequestEvent[], command('ExpireRequest', {}, '2026-12-30T00:00:00.000Z'), 'REQUEST_NOT_EXPIRABLE');
    });
  });

  describe('erasure of the author', () => {
    const erased: RequestEvent = {
      type: 'RequestAuthorErased',
      data: { requestId: 'req-1', memberId: 'member-ana', erasedAt: NOW },
      metadata: eventMetadata(),
    };

    it('given a request, when its requester is erased, then the text and precise point are blanked and it reads as a former member', () => {
      spec(requestDecider)
        .given([posted])
        .when(command('EraseRequestAuthor', { memberId: 'member-ana' }))
        .then([erased]);
      expect(spec(requestDecider).given([posted, erased]).state()).toMatchObject({
        title: FORMER_MEMBER_TEXT,
        description: '',
        location: { cell: 'eyckr1', precise: null },
        authorErased: true,
      });
    });

    it('given an erased author, when erased again or another member is erased, then nothing happens', () => {
      spec(requestDecider)
        .given([posted, erased])
        .when(command('EraseRequestAuthor', { memberId: 'member-ana' }))
        .then([]);
      spec(requestDecider)
        .given([posted])
        .when(command('EraseRequestAuthor', { memberId: 'member-bo' }))
        .then([]);
    });

    it('given an erased author, when the request is edited, then it is refused', () => {
      refused([posted, erased], edit({ title: 'New words' }, coordinator), 'REQUEST_NOT_EDITABLE');
    });
  });
});
