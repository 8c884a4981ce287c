import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { notAMember, type MemberIdentity, type OnMemberStream } from './member-slice';

/**
 * Stepping back: a member pauses, with or without a date to return. While paused nobody suggests
 * them for anything; on the return date they are active again without having to do anything.
 */
export type MemberPauseState =
  | { readonly status: 'none' }
  | (MemberIdentity & { readonly status: 'active' })
  | (MemberIdentity & { readonly status: 'paused'; readonly pausedAt: string; readonly returnAt: string | null });

/** `returnAt`: ISO-8601 date-time with an offset, in the future; null pauses until the member returns. */
export type StepBack = Command<'StepBack', { returnAt: string | null }>;
/** `automatic`: issued by the scheduler when the return date has passed, rather than by the member. */
export type ReturnFromPause = Command<'ReturnFromPause', { automatic: boolean }>;
export type MemberPauseCommand = StepBack | ReturnFromPause;

export type SteppedBack = DomainEvent<'SteppedBack', MemberIdentity & { pausedAt: string; returnAt: string | null }>;
export type Returned = DomainEvent<'Returned', MemberIdentity & { returnedAt: string; automatic: boolean }>;
export type MemberPauseEvent = SteppedBack | Returned;

export const MEMBER_PAUSE_EVENT_TYPES = ['SteppedBack', 'Returned'] as const satisfies readonly MemberPauseEvent['type'][];

/** A return date further away than this is more likely a typo than a plan; step back without a date instead. */
export const MAX_PAUSE_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const memberPauseDecider: Decider<MemberPauseState, MemberPauseCommand, OnMemberStream<MemberPauseEvent>> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    if (state.status === 'none') throw notAMember();
    const on = { memberId: state.memberId, podId: state.podId };
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'StepBack': {
        const returnAt = command.data.returnAt === null ? null : futureReturnDate(command.data.returnAt, now);
        if (state.status === 'paused') {
          // Stepping back again moves the return date; the pause itself began earlier.
          if (state.returnAt === returnAt) return [];
          return [{ type: 'SteppedBack', data: { ...on, pausedAt: state.pausedAt, returnAt }, metadata }];
        }
        return [{ type: 'SteppedBack', data: { ...on, pausedAt: now, returnAt }, metadata }];
      }
      case 'ReturnFromPause': {
        // Returning when already active is harmless: the scheduler and the member may both try.
        if (state.status !== 'paused') return [];
        if (command.data.automatic && (state.returnAt === null || Date.parse(state.returnAt) > Date.parse(now))) return [];
        return [{ type: 'Returned', data: { ...on, returnedAt: now, automatic: command.data.automatic }, metadata }];
      }
      default:
        return assertNever(command, 'member pause command');
    }
  },

  evolve(state, event) {
    if (event.type === 'MemberJoined') return { status: 'active', memberId: event.data.memberId, podId: event.data.podId };
    if (state.status === 'none') return state;
    const on = { memberId: state.memberId, podId: state.podId };
    switch (event.type) {
      case 'SteppedBack':
        return { status: 'paused', ...on, pausedAt: event.data.pausedAt, returnAt: event.data.returnAt };
      case 'Returned':
        return { status: 'active', ...on };
      default:
        // Another slice's event on the member stream.
        return state;
    }
  },
};

function futureReturnDate(text: string, now: string): string {
  const at = DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new DomainRuleViolation('INVALID_RETURN_DATE', 'Give the return date as an ISO-8601 date-time with offset, e.g. 2026-12-01T09:00:00Z', 'returnAt');
  }
  const current = Date.parse(now);
  if (at <= current) throw new DomainRuleViolation('INVALID_RETURN_DATE', 'The return date must be in the future', 'returnAt');
  if (at - current > MAX_PAUSE_DAYS * DAY_MS) {
    throw new DomainRuleViolation(
      'INVALID_RETURN_DATE',
      `The return date is at most ${MAX_PAUSE_DAYS} days ahead; step back without a date for longer`,
      'returnAt',
    );
  }
  return new Date(at).toISOString();
}
