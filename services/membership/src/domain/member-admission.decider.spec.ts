import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import {
  memberAdmissionDecider,
  type AdmitToPod,
  type AgreementsAcknowledged,
  type ApplyToJoin,
  type JoinApplicationSubmitted,
  type MemberAdmissionCommand,
  type MemberAdmissionEvent,
  type PodAdmissionFacts,
} from './member-admission.decider';
import type { MemberJoined, MemberLeft } from './member.decider';

const podId = 'p0000000-0000-4000-8000-000000000001';
const memberId = 'a0000000-0000-4000-8000-00000000000a';
const at = '2026-12-01T10:00:00.000Z';
const later = '2026-12-02T10:00:00.000Z';
const anaMetadata: CommandMetadata = { now: at, actorId: 'person-ana', podId };
const coordinatorMetadata: CommandMetadata = { now: later, actorId: 'person-cy', podId };
const anaEvent = { occurredAt: at, actorId: 'person-ana', podId };
const coordinatorEvent = { occurredAt: later, actorId: 'person-cy', podId };

const questions = [
  { id: 'q-1', text: 'What brings you to the pod?' },
  { id: 'q-2', text: 'Which street do you live on?' },
];
const pod = (facts: Partial<PodAdmissionFacts> = {}): PodAdmissionFacts => ({
  podLanguages: ['pt', 'en'],
  admissionMode: 'open',
  joinQuestions: [],
  agreementsVersion: 0,
  ...facts,
});
const applicant = { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: '' };

const join = (facts: Partial<PodAdmissionFacts> = {}, data: Partial<AdmitToPod['data']> = {}): AdmitToPod => ({
  type: 'JoinPod',
  data: { ...applicant, pod: pod(facts), inviteCodeGiven: false, agreementsVersion: null, ...data },
  metadata: anaMetadata,
});
const apply = (facts: Partial<PodAdmissionFacts> = {}, data: Partial<ApplyToJoin['data']> = {}): ApplyToJoin => ({
  type: 'ApplyToJoin',
  data: {
    ...applicant,
    displayName: ' Ana ',
    pod: pod({ admissionMode: 'application', joinQuestions: questions, ...facts }),
    answers: [
      { questionId: 'q-2', answer: ' Rua dos Anjos ' },
      { questionId: 'q-1', answer: 'I cook for many and can share.' },
    ],
    agreementsVersion: null,
    ...data,
  },
  metadata: anaMetadata,
});
const approve: MemberAdmissionCommand = {
  type: 'ApproveJoinApplication',
  data: { memberId, podId, podLanguages: ['pt', 'en'] },
  metadata: coordinatorMetadata,
};
const decline = (reason: string): MemberAdmissionCommand => ({
  type: 'DeclineJoinApplication',
  data: { memberId, podId, reason },
  metadata: coordinatorMetadata,
});

const joined = (metadata = anaEvent, preferredLanguage = 'pt'): MemberJoined => ({
  type: 'MemberJoined',
  data: { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage },
  metadata,
});
const acknowledged = (version: number, metadata = anaEvent): AgreementsAcknowledged => ({
  type: 'AgreementsAcknowledged',
  data: { memberId, podId, version },
  metadata,
});
const submitted = (agreementsVersion: number | null = null): JoinApplicationSubmitted => ({
  type: 'JoinApplicationSubmitted',
  data: {
    memberId,
    podId,
    personId: 'person-ana',
    displayName: 'Ana',
    preferredLanguage: 'pt',
    answers: [
      { questionId: 'q-1', question: 'What brings you to the pod?', answer: 'I cook for many and can share.' },
      { questionId: 'q-2', question: 'Which street do you live on?', answer: 'Rua dos Anjos' },
    ],
    agreementsVersion,
  },
  metadata: anaEvent,
});
const left: MemberLeft = { type: 'MemberLeft', data: { memberId, podId }, metadata: { ...anaEvent, occurredAt: later } };

function refusal(history: MemberAdmissionEvent[], command: MemberAdmissionCommand) {
  return spec(memberAdmissionDecider).given(history).when(command).thenThrows(DomainRuleViolation);
}

describe('joining an open pod', () => {
  it('given nothing, when a person joins, then they are a member speaking the pod’s first language', () => {
    spec(memberAdmissionDecider).given([]).when(join()).then([joined()]);
  });

  it('keeps the language they prefer, canonically written', () => {
    spec(memberAdmissionDecider)
      .given([])
      .when(join({}, { preferredLanguage: 'PT-br' }))
      .then([joined(anaEvent, 'pt-BR')]);
  });

  it('refuses an unknown language tag, naming the field', () => {
    expect(refusal([], join({}, { preferredLanguage: 'xq' }))).toMatchObject({ code: 'UNKNOWN_LANGUAGE_TAG', field: 'preferredLanguage' });
  });

  it('given a member, when they join again, then it is refused as a duplicate join', () => {
    expect(refusal([joined()], join())).toMatchObject({ code: 'ALREADY_MEMBER', field: 'podId' });
  });

  it('refuses to join a pod that does not exist', () => {
    expect(refusal([], join({ podLanguages: [] }))).toMatchObject({ code: 'POD_NOT_FOUND', field: 'podId' });
  });
});

describe('joining a pod that has agreements', () => {
  it('given agreements at version 2, when a person joins acknowledging version 2, then the acknowledgement is recorded with the joining', () => {
    spec(memberAdmissionDecider)
      .given([])
      .when(join({ agreementsVersion: 2 }, { agreementsVersion: 2 }))
      .then([joined(), acknowledged(2)]);
  });

  it('refuses a join that acknowledges no version, or a stale one, naming the field', () => {
    expect(refusal([], join({ agreementsVersion: 2 }))).toMatchObject({ code: 'AGREEMENTS_NOT_ACKNOWLEDGED', field: 'agreementsVersion' });
    const stale = refusal([], join({ agreementsVersion: 2 }, { agreementsVersion: 1 }));
    expect(stale).toMatchObject({ code: 'STALE_AGREEMENTS_VERSION', field: 'agreementsVersion' });
    expect(stale.message).toMatch(/version 2, not 1/);
  });

  it('given a member who acknowledged version 1, when they acknowledge version 2, then it is recorded once', () => {
    const acknowledge = (version: number, currentVersion: number): MemberAdmissionCommand => ({
      type: 'AcknowledgeAgreements',
      data: { version, currentVersion },
      metadata: anaMetadata,
    });
    spec(memberAdmissionDecider)
      .given([joined(), acknowledged(1)])
      .when(acknowledge(2, 2))
      .then([acknowledged(2)]);
    spec(memberAdmissionDecider)
      .given([joined(), acknowledged(2)])
      .when(acknowledge(2, 2))
      .then([]);
    expect(refusal([joined(), acknowledged(1)], acknowledge(1, 2))).toMatchObject({ code: 'STALE_AGREEMENTS_VERSION', field: 'version' });
    expect(refusal([], acknowledge(2, 2))).toMatchObject({ code: 'NOT_A_MEMBER' });
  });
});

describe('joining a pod that admits with invite codes', () => {
  it('given nothing, when a person joins with a code, then they are a member (the code is redeemed on its own stream)', () => {
    spec(memberAdmissionDecider)
      .given([])
      .when(join({ admissionMode: 'invite-code' }, { inviteCodeGiven: true }))
      .then([joined()]);
  });

  it('refuses a join without a code, naming the field', () => {
    expect(refusal([], join({ admissionMode: 'invite-code' }))).toMatchObject({ code: 'INVITE_CODE_REQUIRED', field: 'inviteCode' });
  });
});

describe('joining a pod that admits by application', () => {
  it('refuses a direct join: the person applies instead', () => {
    expect(refusal([], join({ admissionMode: 'application', joinQuestions: questions }, { inviteCodeGiven: true }))).toMatchObject({
      code: 'APPLICATION_REQUIRED',
    });
  });

  it('given nothing, when a person applies, then the answers are kept with their questions, in the pod’s order', () => {
    spec(memberAdmissionDecider).given([]).when(apply()).then([submitted()]);
  });

  it('given an application, when a coordinator approves it, then the applicant joins and their acknowledgement is recorded', () => {
    spec(memberAdmissionDecider)
      .given([submitted(3)])
      .when(approve)
      .then([
        { type: 'JoinApplicationApproved', data: { memberId, podId }, metadata: coordinatorEvent },
        joined(coordinatorEvent),
        acknowledged(3, coordinatorEvent),
      ]);
  });

  it('given an application, when a coordinator declines it with a reason, then it is declined and the person may apply again', () => {
    const declined: MemberAdmissionEvent = {
      type: 'JoinApplicationDeclined',
      data: { memberId, podId, reason: 'We only cover Arroios' },
      metadata: coordinatorEvent,
    };
    spec(memberAdmissionDecider).given([submitted()]).when(decline(' We only cover Arroios ')).then([declined]);
    expect(spec(memberAdmissionDecider).given([submitted(), declined]).state().application).toMatchObject({
      status: 'declined',
      declineReason: 'We only cover Arroios',
      decidedAt: later,
    });
    spec(memberAdmissionDecider).given([submitted(), declined]).when(apply()).then([submitted()]);
    expect(refusal([submitted(), declined], approve)).toMatchObject({ code: 'NO_PENDING_APPLICATION', field: 'memberId' });
  });

  it('refuses a second application while one waits, and an application from a member', () => {
    expect(refusal([submitted()], apply())).toMatchObject({ code: 'APPLICATION_PENDING' });
    expect(refusal([joined()], apply())).toMatchObject({ code: 'ALREADY_MEMBER' });
  });

  it('refuses to approve twice, or without an application', () => {
    const approvedHistory = spec(memberAdmissionDecider)
      .given([submitted()])
      .when(approve)
      .then([{ type: 'JoinApplicationApproved', data: { memberId, podId }, metadata: coordinatorEvent }, joined(coordinatorEvent)]);
    expect(refusal([submitted(), ...approvedHistory], approve)).toMatchObject({ code: 'ALREADY_MEMBER' });
    expect(refusal([], approve)).toMatchObject({ code: 'NO_PENDING_APPLICATION', field: 'memberId' });
  });

  it('refuses a decline without a reason', () => {
    expect(refusal([submitted()], decline(' '))).toMatchObject({ code: 'INVALID_REASON', field: 'reason' });
  });

  it.each<[string, Partial<ApplyToJoin['data']>, string, string]>([
    ['an unanswered question', { answers: [{ questionId: 'q-1', answer: 'Yes' }] }, 'MISSING_ANSWER', 'answers'],
    ['an answer to no question of the pod', { answers: [{ questionId: 'q-9', answer: 'Yes' }] }, 'UNKNOWN_JOIN_QUESTION', 'answers.0.questionId'],
    [
      'two answers to one question',
      {
        answers: [
          { questionId: 'q-1', answer: 'Yes' },
          { questionId: 'q-1', answer: 'No' },
        ],
      },
      'DUPLICATE_ANSWER',
      'answers.1.questionId',
    ],
    [
      'an empty answer',
      {
        answers: [
          { questionId: 'q-1', answer: 'Yes' },
          { questionId: 'q-2', answer: '  ' },
        ],
      },
      'INVALID_ANSWER',
      'answers.1.answer',
    ],
    [
      'an answer with a control character',
      {
        answers: [
          { questionId: 'q-1', answer: 'Yes' },
          { questionId: 'q-2', answer: 'No\u0085thanks' },
        ],
      },
      'INVALID_ANSWER',
      'answers.1.answer',
    ],
    ['an empty display name', { displayName: ' ' }, 'INVALID_DISPLAY_NAME', 'displayName'],
    [
      'a stale agreements version',
      { agreementsVersion: 1, pod: pod({ admissionMode: 'application', joinQuestions: questions, agreementsVersion: 2 }) },
      'STALE_AGREEMENTS_VERSION',
      'agreementsVersion',
    ],
  ])('refuses %s, naming the field', (_case, data, code, field) => {
    expect(refusal([], apply({}, data))).toMatchObject({ code, field });
  });

  it('refuses applications to a pod that admits otherwise', () => {
    expect(refusal([], apply({ admissionMode: 'open' }))).toMatchObject({ code: 'APPLICATIONS_NOT_ACCEPTED' });
    expect(refusal([], apply({ admissionMode: 'invite-code' }))).toMatchObject({ code: 'APPLICATIONS_NOT_ACCEPTED' });
  });

  it('drops a waiting application when the person joins directly, so it cannot admit them again later', () => {
    const state = spec(memberAdmissionDecider).given([submitted(), joined()]).state();
    expect(state.application).toBeNull();
    expect(refusal([submitted(), joined(), left], approve)).toMatchObject({ code: 'NO_PENDING_APPLICATION' });
  });
});

describe('leaving a pod', () => {
  const leave: MemberAdmissionCommand = { type: 'LeavePod', data: {}, metadata: { ...anaMetadata, now: later } };

  it('given a member, when they leave, then they are a former member', () => {
    spec(memberAdmissionDecider).given([joined()]).when(leave).then([left]);
    expect(spec(memberAdmissionDecider).given([joined(), left]).state().member).toMatchObject({ status: 'left', leftAt: later });
  });

  it('refuses to leave a pod one is not a member of', () => {
    expect(refusal([], leave)).toMatchObject({ code: 'NOT_A_MEMBER' });
    expect(refusal([joined(), left], leave)).toMatchObject({ code: 'NOT_A_MEMBER' });
  });

  it('given a former member, when they join again, then they are admitted afresh and acknowledge the agreements again', () => {
    expect(
      spec(memberAdmissionDecider)
        .given([joined(), acknowledged(1), left])
        .state().acknowledgedVersion,
    ).toBeNull();
    spec(memberAdmissionDecider)
      .given([joined(), acknowledged(1), left])
      .when(join({ agreementsVersion: 1 }, { agreementsVersion: 1 }))
      .then([joined(), acknowledged(1)]);
  });
});
