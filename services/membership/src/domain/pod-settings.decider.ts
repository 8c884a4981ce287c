import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';
import { DEFAULT_DECISION_METHODS, applyDecisionMethods, sameDecisionMethods, type DecisionMethodInput, type DecisionMethods } from './decision-methods';

/**
 * How a pod works day to day: who sees its requests, whether unmet ones may go to neighbouring pods, and how
 * people are admitted. Role terms (length, consecutive terms) belong to the pod's role policy
 * (pod-roles.decider.ts), not here, so there is one place that decides them.
 */

export const REQUEST_VISIBILITIES = ['pod', 'region', 'public'] as const;
export type RequestVisibility = (typeof REQUEST_VISIBILITIES)[number];

export const ADMISSION_MODES = ['open', 'invite-code', 'application'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

export interface JoinQuestion {
  readonly id: string;
  readonly text: string;
}

export interface PodSettings {
  readonly requestVisibility: RequestVisibility;
  readonly escalateToNeighbours: boolean;
  readonly admissionMode: AdmissionMode;
  /** Asked of everyone applying to join; kept when the mode changes, so switching back loses nothing. */
  readonly joinQuestions: readonly JoinQuestion[];
}

/** A pod that never changed its settings: its requests stay in the pod and anyone with a token for it may join. */
export const DEFAULT_POD_SETTINGS: PodSettings = Object.freeze({
  requestVisibility: 'pod',
  escalateToNeighbours: false,
  admissionMode: 'open',
  joinQuestions: Object.freeze([]) as readonly JoinQuestion[],
});

export const JOIN_QUESTION_LIMITS = { min: 1, max: 10, textMin: 3, textMax: 500 } as const;

export interface PodSettingsState {
  readonly settings: PodSettings;
  /** How the pod decides each kind of question (decision-methods.ts); its own event, so older settings events keep their shape. */
  readonly decisionMethods: DecisionMethods;
}

/** Fields left out keep their value. */
export interface PodSettingsChanges {
  readonly requestVisibility?: string;
  readonly escalateToNeighbours?: boolean;
  readonly admissionMode?: string;
  /** The questions' texts, in order; a text the pod already asks keeps its id. */
  readonly joinQuestions?: readonly string[];
}

/**
 * `podExists`: the handler read the pod's stream. `freshQuestionIds`: ids for new questions, chosen by the
 * handler (at least as many as questions given) so the decider stays deterministic.
 */
export type ChangePodSettings = Command<
  'ChangePodSettings',
  { podId: string; podExists: boolean; changes: PodSettingsChanges; freshQuestionIds: readonly string[] }
>;
/** `roleNames`: the roles the pod has now (built-in and its own), read by the handler. */
export type ChangeDecisionMethods = Command<
  'ChangeDecisionMethods',
  { podId: string; podExists: boolean; changes: readonly DecisionMethodInput[]; roleNames: readonly string[] }
>;
export type PodSettingsCommand = ChangePodSettings | ChangeDecisionMethods;

export type PodSettingsChanged = DomainEvent<'PodSettingsChanged', { podId: string } & PodSettings>;
/** Carries every kind's method in full, so a reader only keeps the latest. */
export type DecisionMethodsChanged = DomainEvent<'DecisionMethodsChanged', { podId: string; decisionMethods: DecisionMethods }>;
export type PodSettingsEvent = PodSettingsChanged | DecisionMethodsChanged;

export const podSettingsDecider: Decider<PodSettingsState, PodSettingsCommand, PodSettingsEvent> = {
  initialState: () => ({ settings: DEFAULT_POD_SETTINGS, decisionMethods: DEFAULT_DECISION_METHODS }),

  decide(command, state) {
    switch (command.type) {
      case 'ChangePodSettings': {
        const { podId, podExists, changes, freshQuestionIds } = command.data;
        if (!podExists) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
        const current = state.settings;
        const requestVisibility = oneOf(REQUEST_VISIBILITIES, changes.requestVisibility ?? current.requestVisibility, 'requestVisibility');
        const admissionMode = oneOf(ADMISSION_MODES, changes.admissionMode ?? current.admissionMode, 'admissionMode');
        const joinQuestions =
          changes.joinQuestions === undefined ? current.joinQuestions : questions(changes.joinQuestions, current.joinQuestions, freshQuestionIds);
        if (admissionMode === 'application' && joinQuestions.length < JOIN_QUESTION_LIMITS.min) {
          throw new DomainRuleViolation(
            'JOIN_QUESTIONS_REQUIRED',
            `A pod that admits by application asks ${JOIN_QUESTION_LIMITS.min} to ${JOIN_QUESTION_LIMITS.max} join questions`,
            'joinQuestions',
          );
        }
        const settings: PodSettings = {
          requestVisibility,
          escalateToNeighbours: changes.escalateToNeighbours ?? current.escalateToNeighbours,
          admissionMode,
          joinQuestions,
        };
        // The settings it already has change nothing, so they record nothing.
        if (sameSettings(settings, current)) return [];
        return [{ type: 'PodSettingsChanged', data: { podId, ...settings }, metadata: eventMetadataFrom(command.metadata) }];
      }
      case 'ChangeDecisionMethods': {
        const { podId, podExists, changes, roleNames } = command.data;
        if (!podExists) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
        const decisionMethods = applyDecisionMethods(state.decisionMethods, changes, (role) => roleNames.includes(role));
        if (sameDecisionMethods(decisionMethods, state.decisionMethods)) return [];
        return [{ type: 'DecisionMethodsChanged', data: { podId, decisionMethods }, metadata: eventMetadataFrom(command.metadata) }];
      }
      default:
        return assertNever(command, 'pod settings command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PodSettingsChanged': {
        const { podId: _podId, ...settings } = event.data;
        return { ...state, settings };
      }
      case 'DecisionMethodsChanged':
        return { ...state, decisionMethods: event.data.decisionMethods };
      default:
        return assertNever(event, 'pod settings event');
    }
  },
};

function oneOf<const Values extends readonly string[]>(values: Values, value: string, field: string): Values[number] {
  const match = values.find((candidate) => candidate === value);
  if (!match) throw new DomainRuleViolation('INVALID_SETTING', `${field} must be one of: ${values.join(', ')}`, field);
  return match;
}

function questions(texts: readonly string[], current: readonly JoinQuestion[], freshIds: readonly string[]): JoinQuestion[] {
  if (texts.length > JOIN_QUESTION_LIMITS.max) {
    throw new DomainRuleViolation('INVALID_JOIN_QUESTIONS', `Ask at most ${JOIN_QUESTION_LIMITS.max} join questions`, 'joinQuestions');
  }
  const seen = new Set<string>();
  let nextFresh = 0;
  return texts.map((raw, index) => {
    const field = `joinQuestions.${index}`;
    // A question is one line: runs of ordinary spaces and line breaks collapse to one space.
    const text = plainText(raw.replace(/[ \t\r\n]+/g, ' '), {
      field,
      min: JOIN_QUESTION_LIMITS.textMin,
      max: JOIN_QUESTION_LIMITS.textMax,
      code: 'INVALID_JOIN_QUESTIONS',
    });
    if (seen.has(text)) throw new DomainRuleViolation('INVALID_JOIN_QUESTIONS', 'Each join question is asked once', field);
    seen.add(text);
    // A question asked before keeps its id, so answers already given still point at it.
    const existing = current.find((question) => question.text === text);
    if (existing) return existing;
    const id = freshIds[nextFresh++];
    if (id === undefined) throw new Error('ChangePodSettings needs a fresh id for every new join question');
    return { id, text };
  });
}

function sameSettings(a: PodSettings, b: PodSettings): boolean {
  return (
    a.requestVisibility === b.requestVisibility &&
    a.escalateToNeighbours === b.escalateToNeighbours &&
    a.admissionMode === b.admissionMode &&
    a.joinQuestions.length === b.joinQuestions.length &&
    a.joinQuestions.every((question, index) => question.id === b.joinQuestions[index]!.id && question.text === b.joinQuestions[index]!.text)
  );
}
