import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { notAMember, type MemberIdentity, type OnMemberStream } from './member-slice';
import { isTimeZone } from './profile-values';
import { parseWeeklyRule } from '@mutuo/domain';

/** A weekly window in which the member may be asked for help: starts from the rule, lasting `durationMinutes`. */
export interface AvailabilityWindow {
  /** Canonical `FREQ=WEEKLY;BYDAY=..;BYHOUR=..;BYMINUTE=..`, in the member's time zone. */
  readonly rrule: string;
  readonly durationMinutes: number;
}

/** Local times `HH:MM`; the end may be on the next day (22:00-07:00). */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
}

/** The limits that protect a member from burnout. Matching and notifications respect them. */
export interface Boundaries {
  readonly availability: readonly AvailabilityWindow[];
  /** Hours a week the member is willing to give, in whole or half hours. */
  readonly weeklyCapacityHours: number;
  readonly quietHours: QuietHours | null;
  /** IANA zone the windows and quiet hours are expressed in. */
  readonly timezone: string;
}

export type MemberBoundariesState = { readonly status: 'none' } | (MemberIdentity & { readonly status: 'active'; readonly boundaries: Boundaries | null });

/** Replaces all boundaries at once. */
export type SetBoundaries = Command<'SetBoundaries', Boundaries>;
export type MemberBoundariesCommand = SetBoundaries;

export type BoundariesSet = DomainEvent<'BoundariesSet', MemberIdentity & Boundaries>;
export type MemberBoundariesEvent = BoundariesSet;

export const MEMBER_BOUNDARIES_EVENT_TYPES = ['BoundariesSet'] as const satisfies readonly MemberBoundariesEvent['type'][];

export const MAX_AVAILABILITY_WINDOWS = 28;
export const MIN_WINDOW_MINUTES = 15;
export const MAX_WINDOW_MINUTES = 24 * 60;
export const HOURS_PER_WEEK = 168;
const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const memberBoundariesDecider: Decider<MemberBoundariesState, MemberBoundariesCommand, OnMemberStream<MemberBoundariesEvent>> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    if (state.status !== 'active') throw notAMember();
    switch (command.type) {
      case 'SetBoundaries': {
        const boundaries = checkedBoundaries(command.data);
        if (state.boundaries && sameBoundaries(state.boundaries, boundaries)) return [];
        return [
          {
            type: 'BoundariesSet',
            data: { memberId: state.memberId, podId: state.podId, ...boundaries },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'member boundaries command');
    }
  },

  evolve(state, event) {
    if (event.type === 'MemberJoined') return { status: 'active', memberId: event.data.memberId, podId: event.data.podId, boundaries: null };
    if (state.status !== 'active') return state;
    switch (event.type) {
      case 'BoundariesSet': {
        const { availability, weeklyCapacityHours, quietHours, timezone } = event.data;
        return { ...state, boundaries: { availability, weeklyCapacityHours, quietHours, timezone } };
      }
      default:
        // Another slice's event on the member stream.
        return state;
    }
  },
};

function checkedBoundaries(input: Boundaries): Boundaries {
  if (!isTimeZone(input.timezone)) {
    throw new DomainRuleViolation('INVALID_TIMEZONE', 'Give an IANA time zone such as "Europe/Lisbon"', 'timezone');
  }
  return {
    availability: availability(input.availability),
    weeklyCapacityHours: capacity(input.weeklyCapacityHours),
    quietHours: quietHours(input.quietHours),
    timezone: input.timezone,
  };
}

function availability(windows: readonly AvailabilityWindow[]): AvailabilityWindow[] {
  if (windows.length > MAX_AVAILABILITY_WINDOWS) {
    throw new DomainRuleViolation('TOO_MANY_WINDOWS', `Give at most ${MAX_AVAILABILITY_WINDOWS} availability windows`, 'availability');
  }
  const checked: AvailabilityWindow[] = [];
  windows.forEach((window, index) => {
    const parsed = parseWeeklyRule(window.rrule);
    if (!parsed.ok) throw new DomainRuleViolation('INVALID_RRULE', `Invalid weekly RRULE: ${parsed.reason}`, `availability[${index}].rrule`);
    const minutes = window.durationMinutes;
    if (!Number.isInteger(minutes) || minutes < MIN_WINDOW_MINUTES || minutes > MAX_WINDOW_MINUTES) {
      throw new DomainRuleViolation(
        'INVALID_WINDOW_DURATION',
        `A window lasts ${MIN_WINDOW_MINUTES} to ${MAX_WINDOW_MINUTES} whole minutes`,
        `availability[${index}].durationMinutes`,
      );
    }
    const candidate = { rrule: parsed.canonical, durationMinutes: minutes };
    if (checked.some((other) => other.rrule === candidate.rrule && other.durationMinutes === minutes)) {
      throw new DomainRuleViolation('DUPLICATE_WINDOW', 'This availability window is given twice', `availability[${index}].rrule`);
    }
    checked.push(candidate);
  });
  return checked;
}

function capacity(hours: number): number {
  const field = 'weeklyCapacityHours';
  if (!Number.isFinite(hours)) throw new DomainRuleViolation('INVALID_CAPACITY', 'Weekly capacity must be a number of hours', field);
  if (hours < 0) throw new DomainRuleViolation('INVALID_CAPACITY', 'Weekly capacity cannot be below zero', field);
  if (hours > HOURS_PER_WEEK) throw new DomainRuleViolation('INVALID_CAPACITY', `A week has ${HOURS_PER_WEEK} hours`, field);
  if (!Number.isInteger(hours * 2)) throw new DomainRuleViolation('INVALID_CAPACITY', 'Give weekly capacity in whole or half hours', field);
  return hours;
}

function quietHours(input: QuietHours | null): QuietHours | null {
  if (input === null) return null;
  for (const part of ['start', 'end'] as const) {
    if (!LOCAL_TIME.test(input[part])) {
      throw new DomainRuleViolation('INVALID_QUIET_HOURS', 'Give quiet hours as local times HH:MM (00:00 to 23:59)', `quietHours.${part}`);
    }
  }
  if (input.start === input.end) {
    throw new DomainRuleViolation('INVALID_QUIET_HOURS', 'Quiet hours must end at another time than they start', 'quietHours.end');
  }
  return { start: input.start, end: input.end };
}

function sameBoundaries(a: Boundaries, b: Boundaries): boolean {
  return (
    a.timezone === b.timezone &&
    a.weeklyCapacityHours === b.weeklyCapacityHours &&
    a.quietHours?.start === b.quietHours?.start &&
    a.quietHours?.end === b.quietHours?.end &&
    a.availability.length === b.availability.length &&
    a.availability.every((window, index) => window.rrule === b.availability[index]!.rrule && window.durationMinutes === b.availability[index]!.durationMinutes)
  );
}
