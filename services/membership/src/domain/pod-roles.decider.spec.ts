import { CommandMetadata, DomainRuleViolation, spec } from '@mutuo/domain';
import {
  podRolesDecider,
  type CoordinatorGapAlerted,
  type PodRolesCommand,
  type PodRolesEvent,
  type RoleAuthority,
  type RoleGranted,
} from './pod-roles.decider';

/** A clock the specs move by hand: day 0 is the pod's first grant. */
const DAY0 = Date.parse('2026-01-05T09:00:00.000Z');
const day = (n: number) => new Date(DAY0 + n * 86_400_000).toISOString();

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const ana = 'a0000000-0000-4000-8000-00000000000a';
const bo = 'b0000000-0000-4000-8000-00000000000b';
const cleo = 'c0000000-0000-4000-8000-00000000000c';

const meta = (at: string, actorId = 'person-ana'): CommandMetadata => ({ now: at, actorId, podId });
const eventMeta = (at: string, actorId = 'person-ana') => ({ occurredAt: at, actorId, podId });

const coordinator = (actorMemberId: string): RoleAuthority => ({ actorMemberId, coordinatorClaim: true, stewardClaim: false });
const steward: RoleAuthority = { actorMemberId: 'f0000000-0000-4000-8000-00000000000f', coordinatorClaim: false, stewardClaim: true };

const grant = (memberId: string, role: string, at: string, authority: RoleAuthority = coordinator(ana), memberActive = true): PodRolesCommand => ({
  type: 'GrantRole',
  data: { podId, termId: `term-${role}-${memberId.slice(0, 1)}-${at.slice(0, 10)}`, memberId, role, memberActive, authority },
  metadata: meta(at),
});
const renew = (memberId: string, role: string, at: string, authority = coordinator(ana)): PodRolesCommand => ({
  type: 'RenewTerm',
  data: { podId, termId: `renewal-${role}-${memberId.slice(0, 1)}-${at.slice(0, 10)}`, memberId, role, authority },
  metadata: meta(at),
});
const handOver = (role: string, fromMemberId: string, toMemberId: string, at: string, toMemberActive = true): PodRolesCommand => ({
  type: 'HandOver',
  data: { podId, termId: `handover-${role}-${at.slice(0, 10)}`, role, fromMemberId, toMemberId, toMemberActive },
  metadata: meta(at),
});
const stepDown = (memberId: string, role: string, at: string): PodRolesCommand => ({ type: 'StepDown', data: { podId, role, memberId }, metadata: meta(at) });
const warn = (memberId: string, role: string, at: string): PodRolesCommand => ({
  type: 'WarnTermEnding',
  data: { podId, memberId, role },
  metadata: meta(at, 'system:role-scheduler'),
});
const lapse = (memberId: string, role: string, at: string): PodRolesCommand => ({
  type: 'LapseTerm',
  data: { podId, memberId, role },
  metadata: meta(at, 'system:role-scheduler'),
});

/** Decides commands one after another, as the command handler would, and returns the whole history. */
function history(...commands: PodRolesCommand[]): PodRolesEvent[] {
  return commands.reduce<PodRolesEvent[]>((events, command) => [...events, ...decide(events, command)], []);
}

/** The event of a first term starting on `startDay`, with the default policy (180 days, notice 14 days before). */
const granted = (memberId: string, role: string, startDay: number, extra: Partial<RoleGranted['data']> = {}, actor = 'person-ana'): RoleGranted => ({
  type: 'RoleGranted',
  data: {
    podId,
    termId: `term-${role}-${memberId.slice(0, 1)}-${day(startDay).slice(0, 10)}`,
    memberId,
    role,
    termStart: day(startDay),
    termEnd: day(startDay + 180),
    warnFrom: day(startDay + 166),
    consecutiveTerms: 1,
    via: 'grant',
    fromMemberId: null,
    ...extra,
  },
  metadata: eventMeta(day(startDay), actor),
});
const anaCoordinator = granted(ana, 'coordinator', 0, { via: 'bootstrap' }, 'person-steward');

function decide(given: PodRolesEvent[], command: PodRolesCommand): PodRolesEvent[] {
  return podRolesDecider.decide(command, spec(podRolesDecider).given(given).state());
}

function refusal(given: PodRolesEvent[], command: PodRolesCommand): DomainRuleViolation {
  return spec(podRolesDecider).given(given).when(command).thenThrows(DomainRuleViolation) as DomainRuleViolation;
}

describe('pod roles: granting', () => {
  it('given a pod without a coordinator, when a region steward appoints one, then the first term is a bootstrap with default length', () => {
    spec(podRolesDecider)
      .given([])
      .when({ ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') })
      .then([anaCoordinator]);
  });

  it('given a pod with a coordinator, when a steward tries to appoint another, then it is refused', () => {
    expect(refusal([anaCoordinator], grant(bo, 'coordinator', day(1), steward))).toMatchObject({ code: 'POD_HAS_COORDINATOR', field: 'podId' });
  });

  it('given a pod without a coordinator, when a steward tries to fill another role first, then it is refused naming the role', () => {
    expect(refusal([], grant(bo, 'treasurer', day(0), steward))).toMatchObject({ code: 'BOOTSTRAP_COORDINATOR_ONLY', field: 'role' });
  });

  it('given a coordinator, when they grant treasurer, then a 180-day term starts with its notice date 14 days before the end', () => {
    spec(podRolesDecider)
      .given([anaCoordinator])
      .when(grant(bo, 'treasurer', day(3)))
      .then([granted(bo, 'treasurer', 3)]);
  });

  it('refuses a caller whose token says coordinator but whose term has ended (a stale token)', () => {
    const lapsedAna = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      { type: 'SetRolePolicy', data: { podId, authority: coordinator(ana), changes: { coordinatorGraceDays: 0 } }, metadata: meta(day(1)) },
      grant(bo, 'coordinator', day(2)),
      lapse(ana, 'coordinator', day(180)),
    );
    expect(lapsedAna.map((event) => event.type)).toEqual(['RoleGranted', 'RolePolicySet', 'RoleGranted', 'RoleLapsed']);
    expect(refusal(lapsedAna, grant(cleo, 'treasurer', day(181)))).toMatchObject({ code: 'NOT_A_COORDINATOR' });
    // Even before the scheduler has lapsed the term, the end date alone ends the authority.
    expect(refusal([anaCoordinator], grant(cleo, 'treasurer', day(180)))).toMatchObject({ code: 'NOT_A_COORDINATOR' });
  });

  it('refuses a member without a coordinator claim, an unknown role, a non-member and a second grant of a held role', () => {
    expect(refusal([anaCoordinator], grant(cleo, 'treasurer', day(1), { ...coordinator(bo), coordinatorClaim: true }))).toMatchObject({
      code: 'NOT_A_COORDINATOR',
    });
    expect(refusal([anaCoordinator], grant(bo, 'gardener', day(1)))).toMatchObject({ code: 'UNKNOWN_ROLE', field: 'role' });
    expect(refusal([anaCoordinator], grant(bo, 'treasurer', day(1), coordinator(ana), false))).toMatchObject({
      code: 'MEMBER_NOT_FOUND',
      field: 'memberId',
    });
    expect(refusal([anaCoordinator], grant(ana, 'coordinator', day(1)))).toMatchObject({ code: 'ROLE_ALREADY_HELD', field: 'memberId' });
  });

  it("grants a pod's own role once the policy names it", () => {
    const withGardener = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      { type: 'SetRolePolicy', data: { podId, authority: coordinator(ana), changes: { customRoles: ['garden-keeper'] } }, metadata: meta(day(1)) },
    );
    expect(decide(withGardener, grant(bo, 'garden-keeper', day(2)))).toEqual([granted(bo, 'garden-keeper', 2)]);
  });
});

describe('pod roles: renewing', () => {
  it('given a first term, when a coordinator renews it, then the second term follows on from the first', () => {
    spec(podRolesDecider)
      .given([anaCoordinator, granted(bo, 'treasurer', 3)])
      .when(renew(bo, 'treasurer', day(170)))
      .then([
        {
          type: 'RoleTermRenewed',
          data: {
            podId,
            termId: `renewal-treasurer-b-${day(170).slice(0, 10)}`,
            previousTermId: granted(bo, 'treasurer', 3).data.termId,
            memberId: bo,
            role: 'treasurer',
            termStart: day(183),
            termEnd: day(363),
            warnFrom: day(349),
            consecutiveTerms: 2,
          },
          metadata: eventMeta(day(170)),
        },
      ]);
  });

  it('given two consecutive terms (the default limit), when a third is asked for, then it is refused naming the member', () => {
    const twoTerms = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      grant(bo, 'treasurer', day(3)),
      renew(bo, 'treasurer', day(170)),
    );
    const error = refusal(twoTerms, renew(bo, 'treasurer', day(175)));
    expect(error).toMatchObject({ code: 'CONSECUTIVE_TERM_LIMIT', field: 'memberId' });
    expect(error.message).toMatch(/2 consecutive terms as treasurer/);
  });

  it('counts a new grant soon after stepping down as consecutive, and starts afresh after sitting out a full term', () => {
    const served = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      renew(ana, 'coordinator', day(100)),
      grant(bo, 'treasurer', day(1)),
      renew(bo, 'treasurer', day(100)),
      stepDown(bo, 'treasurer', day(200)),
      grant(cleo, 'coordinator', day(300)),
    );
    expect(served.map((event) => event.type)).toEqual(['RoleGranted', 'RoleTermRenewed', 'RoleGranted', 'RoleTermRenewed', 'RoleSteppedDown', 'RoleGranted']);
    expect(refusal(served, grant(bo, 'treasurer', day(250)))).toMatchObject({ code: 'CONSECUTIVE_TERM_LIMIT', field: 'memberId' });
    // 180 days after stepping down (day 380) Bo has sat out a full term.
    expect(refusal(served, grant(bo, 'treasurer', day(379), coordinator(cleo)))).toMatchObject({ code: 'CONSECUTIVE_TERM_LIMIT' });
    expect(decide(served, grant(bo, 'treasurer', day(380), coordinator(cleo)))).toEqual([
      expect.objectContaining({ type: 'RoleGranted', data: expect.objectContaining({ memberId: bo, consecutiveTerms: 1 }) }),
    ]);
  });

  it('refuses to renew a role the member does not hold', () => {
    expect(refusal([anaCoordinator], renew(bo, 'treasurer', day(5)))).toMatchObject({ code: 'ROLE_NOT_HELD', field: 'memberId' });
  });
});

describe('pod roles: handing over and stepping down', () => {
  it('given a treasurer, when they hand the role over, then their term ends and the new holder starts a full term, in one decision', () => {
    const events = spec(podRolesDecider)
      .given([anaCoordinator, granted(bo, 'treasurer', 3)])
      .when({ ...handOver('treasurer', bo, cleo, day(60)), metadata: meta(day(60), 'person-bo') })
      .then([
        {
          type: 'RoleHandedOver',
          data: { podId, role: 'treasurer', termId: granted(bo, 'treasurer', 3).data.termId, fromMemberId: bo, toMemberId: cleo, endedAt: day(60) },
          metadata: eventMeta(day(60), 'person-bo'),
        },
        granted(cleo, 'treasurer', 60, { via: 'handover', fromMemberId: bo, termId: `handover-treasurer-${day(60).slice(0, 10)}` }, 'person-bo'),
      ]);
    const after = spec(podRolesDecider)
      .given([anaCoordinator, granted(bo, 'treasurer', 3), ...events])
      .state();
    expect(Object.values(after.terms).map((term) => `${term.role}:${term.memberId}`)).toEqual([`coordinator:${ana}`, `treasurer:${cleo}`]);
  });

  it('refuses a handover of a role the caller does not hold, to themselves, to a non-member or to a current holder', () => {
    const given = [anaCoordinator, granted(bo, 'treasurer', 3)];
    expect(refusal(given, handOver('treasurer', cleo, ana, day(5)))).toMatchObject({ code: 'ROLE_NOT_HELD', field: 'role' });
    expect(refusal(given, handOver('treasurer', bo, bo, day(5)))).toMatchObject({ code: 'SAME_MEMBER', field: 'toMemberId' });
    expect(refusal(given, handOver('treasurer', bo, cleo, day(5), false))).toMatchObject({ code: 'MEMBER_NOT_FOUND', field: 'toMemberId' });
    expect(refusal([...given, granted(cleo, 'coordinator', 4)], handOver('coordinator', ana, cleo, day(5)))).toMatchObject({
      code: 'ROLE_ALREADY_HELD',
      field: 'toMemberId',
    });
  });

  it('given a treasurer, when they step down, then only their term ends', () => {
    spec(podRolesDecider)
      .given([anaCoordinator, granted(bo, 'treasurer', 3)])
      .when({ ...stepDown(bo, 'treasurer', day(20)), metadata: meta(day(20), 'person-bo') })
      .then([
        {
          type: 'RoleSteppedDown',
          data: { podId, role: 'treasurer', termId: granted(bo, 'treasurer', 3).data.termId, memberId: bo, endedAt: day(20) },
          metadata: eventMeta(day(20), 'person-bo'),
        },
      ]);
  });

  it('given the only coordinator, when they step down, then they may, and the pod is alerted that it has no coordinator', () => {
    spec(podRolesDecider)
      .given([anaCoordinator])
      .when(stepDown(ana, 'coordinator', day(20)))
      .then([
        {
          type: 'RoleSteppedDown',
          data: { podId, role: 'coordinator', termId: anaCoordinator.data.termId, memberId: ana, endedAt: day(20) },
          metadata: eventMeta(day(20)),
        },
        {
          type: 'CoordinatorGapAlerted',
          data: { podId, memberId: ana, termId: anaCoordinator.data.termId, reason: 'stepped-down', graceUntil: null },
          metadata: eventMeta(day(20)),
        },
      ]);
  });

  it('given two coordinators, when one steps down, then no alert is raised', () => {
    const events = decide([anaCoordinator, granted(bo, 'coordinator', 2)], stepDown(ana, 'coordinator', day(20)));
    expect(events.map((event) => event.type)).toEqual(['RoleSteppedDown']);
  });
});

describe('pod roles: term-ending notice (scheduled)', () => {
  const given = [anaCoordinator, granted(bo, 'treasurer', 3)];

  it('is not given before the notice date', () => {
    spec(podRolesDecider)
      .given(given)
      .when(warn(bo, 'treasurer', day(168)))
      .then([]);
  });

  it('is given once from the notice date, saying whether the term may be renewed', () => {
    const warned = {
      type: 'RoleTermEndingWarned' as const,
      data: { podId, role: 'treasurer', termId: granted(bo, 'treasurer', 3).data.termId, memberId: bo, termEnd: day(183), renewable: true },
      metadata: eventMeta(day(169), 'system:role-scheduler'),
    };
    spec(podRolesDecider)
      .given(given)
      .when(warn(bo, 'treasurer', day(169)))
      .then([warned]);
    spec(podRolesDecider)
      .given([...given, warned])
      .when(warn(bo, 'treasurer', day(170)))
      .then([]);
  });

  it('says the term cannot be renewed when it is the last one allowed, and warns the renewed term again', () => {
    const renewed = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      grant(bo, 'treasurer', day(3)),
      warn(bo, 'treasurer', day(170)),
      renew(bo, 'treasurer', day(171)),
    );
    expect(decide(renewed, warn(bo, 'treasurer', day(360)))).toEqual([
      expect.objectContaining({ type: 'RoleTermEndingWarned', data: expect.objectContaining({ termEnd: day(363), renewable: false }) }),
    ]);
  });

  it('is not given after the end date or for a term that no longer exists', () => {
    spec(podRolesDecider)
      .given(given)
      .when(warn(bo, 'treasurer', day(183)))
      .then([]);
    spec(podRolesDecider)
      .given(given)
      .when(warn(cleo, 'treasurer', day(170)))
      .then([]);
  });
});

describe('pod roles: lapse (scheduled)', () => {
  const given = [anaCoordinator, granted(bo, 'treasurer', 3)];
  const boLapsed = {
    type: 'RoleLapsed' as const,
    data: { podId, role: 'treasurer', termId: granted(bo, 'treasurer', 3).data.termId, memberId: bo, endedAt: day(183) },
    metadata: eventMeta(day(184), 'system:role-scheduler'),
  };

  it('does nothing before the end date', () => {
    spec(podRolesDecider)
      .given(given)
      .when(lapse(bo, 'treasurer', day(182)))
      .then([]);
  });

  it('ends the term on its end date (recorded as ended then, even when the scheduler comes late), once', () => {
    spec(podRolesDecider)
      .given(given)
      .when(lapse(bo, 'treasurer', day(184)))
      .then([boLapsed]);
    spec(podRolesDecider)
      .given([...given, boLapsed])
      .when(lapse(bo, 'treasurer', day(185)))
      .then([]);
  });

  it('does not lapse a term that was renewed', () => {
    expect(decide([...given, ...decide(given, renew(bo, 'treasurer', day(100)))], lapse(bo, 'treasurer', day(184)))).toEqual([]);
  });
});

describe('pod roles: never without a coordinator silently', () => {
  const alert = (reason: CoordinatorGapAlerted['data']['reason'], at: string, graceUntil: string | null): CoordinatorGapAlerted => ({
    type: 'CoordinatorGapAlerted',
    data: { podId, memberId: ana, termId: anaCoordinator.data.termId, reason, graceUntil },
    metadata: eventMeta(at, 'system:role-scheduler'),
  });

  it("given the last coordinator's term has ended, when it would lapse, then it is extended by the grace period and an alert is raised", () => {
    spec(podRolesDecider)
      .given([anaCoordinator])
      .when(lapse(ana, 'coordinator', day(180)))
      .then([alert('term-ended', day(180), day(210))]);
    const state = spec(podRolesDecider)
      .given([anaCoordinator, alert('term-ended', day(180), day(210))])
      .state();
    expect(Object.values(state.terms)[0]).toMatchObject({ memberId: ana, graceUntil: day(210) });
  });

  it('keeps the coordinator able to act during the grace period, and lapses nothing early', () => {
    const inGrace = [anaCoordinator, alert('term-ended', day(180), day(210))];
    spec(podRolesDecider)
      .given(inGrace)
      .when(lapse(ana, 'coordinator', day(200)))
      .then([]);
    const handedOver = decide(inGrace, handOver('coordinator', ana, bo, day(200)));
    expect(handedOver.map((event) => event.type)).toEqual(['RoleHandedOver', 'RoleGranted']);
  });

  it('given the grace period ran out with nobody else, then the role lapses and the pod is alerted again', () => {
    spec(podRolesDecider)
      .given([anaCoordinator, alert('term-ended', day(180), day(210))])
      .when(lapse(ana, 'coordinator', day(211)))
      .then([
        {
          type: 'RoleLapsed',
          data: { podId, role: 'coordinator', termId: anaCoordinator.data.termId, memberId: ana, endedAt: day(210) },
          metadata: eventMeta(day(211), 'system:role-scheduler'),
        },
        alert('grace-ended', day(211), null),
      ]);
  });

  it('given another coordinator was appointed during the grace period, then the term lapses quietly at its end', () => {
    const given = [anaCoordinator, alert('term-ended', day(180), day(210)), granted(bo, 'coordinator', 190)];
    expect(decide(given, lapse(ana, 'coordinator', day(210))).map((event) => event.type)).toEqual(['RoleLapsed']);
  });

  it('lapses at once with an alert when the pod allows no grace period', () => {
    const noGrace = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      { type: 'SetRolePolicy', data: { podId, authority: coordinator(ana), changes: { coordinatorGraceDays: 0 } }, metadata: meta(day(1)) },
    );
    expect(decide(noGrace, lapse(ana, 'coordinator', day(180))).map((event) => [event.type, 'reason' in event.data ? event.data.reason : null])).toEqual([
      ['RoleLapsed', null],
      ['CoordinatorGapAlerted', 'term-ended'],
    ]);
  });

  it('lets a steward appoint a coordinator once the gap is real, but not during the grace period', () => {
    const inGrace = [anaCoordinator, alert('term-ended', day(180), day(210))];
    expect(refusal(inGrace, grant(bo, 'coordinator', day(200), steward))).toMatchObject({ code: 'POD_HAS_COORDINATOR' });
    const gap = [...inGrace, ...decide(inGrace, lapse(ana, 'coordinator', day(211)))];
    expect(decide(gap, grant(bo, 'coordinator', day(212), steward))[0]).toMatchObject({ type: 'RoleGranted', data: { via: 'bootstrap', memberId: bo } });
  });
});

describe('pod roles: policy', () => {
  const setPolicy = (changes: Record<string, unknown>, authority = coordinator(ana)): PodRolesCommand => ({
    type: 'SetRolePolicy',
    data: { podId, authority, changes },
    metadata: meta(day(1)),
  });

  it('given a coordinator, when they change the term length, then the whole policy is recorded and new terms use it', () => {
    const events = spec(podRolesDecider)
      .given([anaCoordinator])
      .when(setPolicy({ termLengthDays: 90, maxConsecutiveTerms: 3 }))
      .then([
        {
          type: 'RolePolicySet',
          data: { podId, termLengthDays: 90, maxConsecutiveTerms: 3, termEndingNoticeDays: 14, coordinatorGraceDays: 30, customRoles: [] },
          metadata: eventMeta(day(1)),
        },
      ]);
    expect(decide([anaCoordinator, ...events], grant(bo, 'moderator', day(2)))[0]).toMatchObject({ data: { termEnd: day(92), warnFrom: day(78) } });
  });

  it('records nothing when the policy does not change', () => {
    spec(podRolesDecider)
      .given([anaCoordinator])
      .when(setPolicy({ termLengthDays: 180 }))
      .then([]);
  });

  it.each([
    [{ termLengthDays: 3 }, 'termLengthDays'],
    [{ termLengthDays: 30.5 }, 'termLengthDays'],
    [{ maxConsecutiveTerms: 0 }, 'maxConsecutiveTerms'],
    [{ termEndingNoticeDays: 200 }, 'termEndingNoticeDays'],
    [{ termLengthDays: 10, termEndingNoticeDays: 10 }, 'termEndingNoticeDays'],
    [{ coordinatorGraceDays: -1 }, 'coordinatorGraceDays'],
    [{ customRoles: ['Garden Keeper'] }, 'customRoles'],
    [{ customRoles: ['coordinator'] }, 'customRoles'],
    [{ customRoles: ['operator'] }, 'customRoles'],
  ])('refuses %j naming the field %s', (changes, field) => {
    expect(refusal([anaCoordinator], setPolicy(changes))).toMatchObject({ code: expect.stringMatching(/INVALID_ROLE_(POLICY|NAME)/), field });
  });

  it('refuses to remove a custom role someone still holds', () => {
    const given = history(
      { ...grant(ana, 'coordinator', day(0), steward), metadata: meta(day(0), 'person-steward') },
      setPolicy({ customRoles: ['garden-keeper'] }),
      grant(bo, 'garden-keeper', day(2)),
    );
    expect(refusal(given, setPolicy({ customRoles: [] }))).toMatchObject({ code: 'CUSTOM_ROLE_IN_USE', field: 'customRoles' });
  });

  it('is changed only by a current coordinator, or by a steward while the pod has none', () => {
    expect(refusal([anaCoordinator], setPolicy({ termLengthDays: 90 }, coordinator(bo)))).toMatchObject({ code: 'NOT_A_COORDINATOR' });
    expect(refusal([anaCoordinator], setPolicy({ termLengthDays: 90 }, steward))).toMatchObject({ code: 'POD_HAS_COORDINATOR' });
    expect(decide([], setPolicy({ termLengthDays: 90 }, steward)).map((event) => event.type)).toEqual(['RolePolicySet']);
  });
});
