import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';
import { INVITE_CODE_FIELD } from './invite-code.decider';
import { notAMember } from './member-slice';
import { memberDecider, type JoinDetails, type MemberJoined, type MemberLeft, type MemberState } from './member.decider';
import { requireCurrentAgreements } from './pod-agreements.decider';
import type { AdmissionMode, JoinQuestion } from './pod-settings.decider';
import { canonicalLanguageTag } from './profile-values';

/**
 * How a person becomes, stays and stops being a member: joining (open pods, or with an invite code), applying
 * with answers to the pod's join questions for a coordinator to approve or decline, acknowledging the pod's
 * agreements, and leaving. It lives on the member's own stream (`member:<pod>:<member>`, the member id derived
 * from pod and person), so an application, the joining it leads to and a duplicate join are decided against
 * one history. The joining itself is still decided by member.decider, which every other slice reads.
 */

export const JOIN_ANSWER_MAX = 2_000;
export const DECLINE_REASON_MAX = 1_000;
const DISPLAY_NAME_MAX = 80;

/** What the handler found out about the pod, from its streams, at the moment of the command. */
export interface PodAdmissionFacts {
  /** Empty when the pod does not exist. */
  readonly podLanguages: readonly string[];
  readonly admissionMode: AdmissionMode;
  readonly joinQuestions: readonly JoinQuestion[];
  /** 0 while the pod has no agreements. */
  readonly agreementsVersion: number;
}

export interface JoinAnswer {
  readonly questionId: string;
  /** The question as it was asked, so a later rewording does not change what was answered. */
  readonly question: string;
  readonly answer: string;
}

export interface JoinApplication {
  readonly status: 'pending' | 'approved' | 'declined';
  readonly personId: string;
  readonly displayName: string;
  readonly preferredLanguage: string;
  readonly answers: readonly JoinAnswer[];
  readonly agreementsVersion: number | null;
  readonly submittedAt: string;
  readonly decidedAt: string | null;
  readonly declineReason: string | null;
}

export interface MemberAdmissionState {
  readonly member: MemberState;
  /** The latest application, if any; one still pending is dropped when the person joins directly. */
  readonly application: JoinApplication | null;
  /** The agreements version the member acknowledged last; cleared when they leave. */
  readonly acknowledgedVersion: number | null;
}

type Applicant = JoinDetails;

/**
 * `inviteCodeGiven`: the person gave a code; the handler redeems it on the code's own stream in the same
 * transaction, so the joining and the use of the code are written together or not at all.
 */
export type AdmitToPod = Command<'JoinPod', Applicant & { pod: PodAdmissionFacts; inviteCodeGiven: boolean; agreementsVersion: number | null }>;
export type ApplyToJoin = Command<
  'ApplyToJoin',
  Applicant & { pod: PodAdmissionFacts; answers: readonly { questionId: string; answer: string }[]; agreementsVersion: number | null }
>;
/** The handler checked that the caller is a current coordinator of the pod. */
export type ApproveJoinApplication = Command<'ApproveJoinApplication', { memberId: string; podId: string; podLanguages: readonly string[] }>;
export type DeclineJoinApplication = Command<'DeclineJoinApplication', { memberId: string; podId: string; reason: string }>;
export type AcknowledgeAgreements = Command<'AcknowledgeAgreements', { version: number; currentVersion: number }>;
export type LeavePod = Command<'LeavePod', Record<string, never>>;
export type MemberAdmissionCommand = AdmitToPod | ApplyToJoin | ApproveJoinApplication | DeclineJoinApplication | AcknowledgeAgreements | LeavePod;

type OnMember<Data> = { memberId: string; podId: string } & Data;
export type JoinApplicationSubmitted = DomainEvent<
  'JoinApplicationSubmitted',
  OnMember<{
    personId: string;
    displayName: string;
    preferredLanguage: string;
    answers: JoinAnswer[];
    agreementsVersion: number | null;
  }>
>;
export type JoinApplicationApproved = DomainEvent<'JoinApplicationApproved', OnMember<Record<never, never>>>;
export type JoinApplicationDeclined = DomainEvent<'JoinApplicationDeclined', OnMember<{ reason: string }>>;
export type AgreementsAcknowledged = DomainEvent<'AgreementsAcknowledged', OnMember<{ version: number }>>;
export type MemberAdmissionEvent =
  MemberJoined | MemberLeft | JoinApplicationSubmitted | JoinApplicationApproved | JoinApplicationDeclined | AgreementsAcknowledged;

export const MEMBER_ADMISSION_EVENT_TYPES = [
  'JoinApplicationSubmitted',
  'JoinApplicationApproved',
  'JoinApplicationDeclined',
  'AgreementsAcknowledged',
] as const satisfies readonly MemberAdmissionEvent['type'][];

export const memberAdmissionDecider: Decider<MemberAdmissionState, MemberAdmissionCommand, MemberAdmissionEvent> = {
  initialState: () => ({ member: memberDecider.initialState(), application: null, acknowledgedVersion: null }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'JoinPod': {
        const { pod, inviteCodeGiven, agreementsVersion, ...applicant } = command.data;
        requireNewcomer(state, pod);
        if (pod.admissionMode === 'application') {
          throw new DomainRuleViolation('APPLICATION_REQUIRED', 'This pod admits members by application: apply with answers to its join questions');
        }
        if (pod.admissionMode === 'invite-code' && !inviteCodeGiven) {
          throw new DomainRuleViolation('INVITE_CODE_REQUIRED', 'This pod admits members with an invite code from its coordinators', INVITE_CODE_FIELD);
        }
        const preferredLanguage = languageOf(applicant.preferredLanguage);
        requireCurrentAgreements(pod.agreementsVersion, agreementsVersion, 'agreementsVersion');
        return [...joined(state, { ...applicant, preferredLanguage }, pod.podLanguages, command), ...acknowledged(applicant, agreementsVersion, metadata)];
      }

      case 'ApplyToJoin': {
        const { pod, answers, agreementsVersion, ...applicant } = command.data;
        requireNewcomer(state, pod);
        if (pod.admissionMode !== 'application') {
          throw new DomainRuleViolation(
            'APPLICATIONS_NOT_ACCEPTED',
            pod.admissionMode === 'open' ? 'This pod admits members directly: join it' : 'This pod admits members with an invite code from its coordinators',
          );
        }
        if (state.application?.status === 'pending') {
          throw new DomainRuleViolation('APPLICATION_PENDING', 'Your application to this pod is waiting for a coordinator');
        }
        const displayName = plainText(applicant.displayName, { field: 'displayName', max: DISPLAY_NAME_MAX, code: 'INVALID_DISPLAY_NAME' });
        const preferredLanguage = languageOf(applicant.preferredLanguage) || pod.podLanguages[0]!;
        const checkedAnswers = answersTo(pod.joinQuestions, answers);
        requireCurrentAgreements(pod.agreementsVersion, agreementsVersion, 'agreementsVersion');
        const { memberId, podId, personId } = applicant;
        return [
          {
            type: 'JoinApplicationSubmitted',
            data: { memberId, podId, personId, displayName, preferredLanguage, answers: checkedAnswers, agreementsVersion },
            metadata,
          },
        ];
      }

      case 'ApproveJoinApplication': {
        const { memberId, podId, podLanguages } = command.data;
        const { personId, displayName, preferredLanguage, agreementsVersion } = pendingApplication(state);
        // The applicant acknowledged the version current when they applied; if the pod published a newer one
        // since, they are a member who has not acknowledged it yet, like any other member.
        return [
          { type: 'JoinApplicationApproved', data: { memberId, podId }, metadata },
          ...joined(state, { memberId, podId, personId, displayName, preferredLanguage }, podLanguages, command),
          ...acknowledged({ memberId, podId }, agreementsVersion, metadata),
        ];
      }

      case 'DeclineJoinApplication': {
        const { memberId, podId } = command.data;
        pendingApplication(state);
        const reason = plainText(command.data.reason, { field: 'reason', max: DECLINE_REASON_MAX, multiline: true, code: 'INVALID_REASON' });
        return [{ type: 'JoinApplicationDeclined', data: { memberId, podId, reason }, metadata }];
      }

      case 'AcknowledgeAgreements': {
        const member = state.member;
        if (member.status !== 'active') throw notAMember();
        const { version, currentVersion } = command.data;
        requireCurrentAgreements(currentVersion, version, 'version');
        if (state.acknowledgedVersion === version) return [];
        return [{ type: 'AgreementsAcknowledged', data: { memberId: member.memberId, podId: member.podId, version }, metadata }];
      }

      case 'LeavePod': {
        const member = state.member;
        if (member.status !== 'active') throw notAMember();
        return [{ type: 'MemberLeft', data: { memberId: member.memberId, podId: member.podId }, metadata }];
      }

      default:
        return assertNever(command, 'member admission command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MemberJoined':
        // Joining directly settles an application still waiting: it can no longer admit them later.
        return {
          ...state,
          member: memberDecider.evolve(state.member, event),
          application: state.application?.status === 'pending' ? null : state.application,
        };
      case 'MemberLeft':
        return { ...state, member: memberDecider.evolve(state.member, event), acknowledgedVersion: null };
      case 'JoinApplicationSubmitted': {
        const { personId, displayName, preferredLanguage, answers, agreementsVersion } = event.data;
        return {
          ...state,
          application: {
            status: 'pending',
            personId,
            displayName,
            preferredLanguage,
            answers,
            agreementsVersion,
            submittedAt: event.metadata.occurredAt,
            decidedAt: null,
            declineReason: null,
          },
        };
      }
      case 'JoinApplicationApproved':
        return state.application ? { ...state, application: { ...state.application, status: 'approved', decidedAt: event.metadata.occurredAt } } : state;
      case 'JoinApplicationDeclined':
        return state.application
          ? {
              ...state,
              application: { ...state.application, status: 'declined', decidedAt: event.metadata.occurredAt, declineReason: event.data.reason },
            }
          : state;
      case 'AgreementsAcknowledged':
        return { ...state, acknowledgedVersion: event.data.version };
      default:
        // The profile, block, boundary and pause slices' events on the member stream.
        return state;
    }
  },
};

function requireNewcomer(state: MemberAdmissionState, pod: PodAdmissionFacts): void {
  if (state.member.status === 'active') throw new DomainRuleViolation('ALREADY_MEMBER', 'You are already a member of this pod', 'podId');
  if (pod.podLanguages.length === 0) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
}

function pendingApplication(state: MemberAdmissionState): JoinApplication {
  if (state.member.status === 'active') throw new DomainRuleViolation('ALREADY_MEMBER', 'This person is already a member of the pod', 'memberId');
  if (state.application?.status !== 'pending') {
    throw new DomainRuleViolation('NO_PENDING_APPLICATION', 'This person has no application waiting for a decision', 'memberId');
  }
  return state.application;
}

/** An empty preference means "the pod's first language"; anything else must be a known BCP 47 tag. */
function languageOf(tag: string): string {
  if (tag === '') return '';
  const canonical = canonicalLanguageTag(tag);
  if (canonical === null) {
    throw new DomainRuleViolation('UNKNOWN_LANGUAGE_TAG', `"${tag}" is not a known BCP 47 language tag such as "pt" or "pt-BR"`, 'preferredLanguage');
  }
  return canonical;
}

/** Every question answered once, in the pod's order, each answer 1 to JOIN_ANSWER_MAX characters. */
function answersTo(questions: readonly JoinQuestion[], given: readonly { questionId: string; answer: string }[]): JoinAnswer[] {
  const byQuestion = new Map<string, string>();
  given.forEach(({ questionId, answer }, index) => {
    if (!questions.some((question) => question.id === questionId)) {
      throw new DomainRuleViolation('UNKNOWN_JOIN_QUESTION', 'This pod asks no question with this id', `answers.${index}.questionId`);
    }
    if (byQuestion.has(questionId)) {
      throw new DomainRuleViolation('DUPLICATE_ANSWER', 'Answer each question once', `answers.${index}.questionId`);
    }
    const text = plainText(answer, { field: `answers.${index}.answer`, max: JOIN_ANSWER_MAX, multiline: true, code: 'INVALID_ANSWER' });
    byQuestion.set(questionId, text);
  });
  return questions.map((question) => {
    const answer = byQuestion.get(question.id);
    if (answer === undefined) throw new DomainRuleViolation('MISSING_ANSWER', `Answer the question "${question.text}"`, 'answers');
    return { questionId: question.id, question: question.text, answer };
  });
}

function joined(state: MemberAdmissionState, details: JoinDetails, podLanguages: readonly string[], command: MemberAdmissionCommand): MemberJoined[] {
  const events = memberDecider.decide({ type: 'JoinPod', data: { ...details, podLanguages: [...podLanguages] }, metadata: command.metadata }, state.member);
  return events.filter((event): event is MemberJoined => event.type === 'MemberJoined');
}

function acknowledged(
  member: { memberId: string; podId: string },
  version: number | null,
  metadata: AgreementsAcknowledged['metadata'],
): AgreementsAcknowledged[] {
  return version === null ? [] : [{ type: 'AgreementsAcknowledged', data: { memberId: member.memberId, podId: member.podId, version }, metadata }];
}
