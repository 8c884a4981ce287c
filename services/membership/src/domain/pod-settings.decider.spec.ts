import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import { DEFAULT_DECISION_METHODS } from './decision-methods';
import {
  podSettingsDecider,
  type ChangeDecisionMethods,
  type ChangePodSettings,
  type PodSettingsChanged,
  type PodSettingsChanges,
} from './pod-settings.decider';

const podId = 'p0000000-0000-4000-8000-000000000001';
const at = '2026-12-01T10:00:00.000Z';
const metadata: CommandMetadata = { now: at, actorId: 'person-ana', podId };
const eventMetadata = { occurredAt: at, actorId: 'person-ana', podId };
const fresh = ['q-1', 'q-2', 'q-3'];

const change = (changes: PodSettingsChanges, podExists = true): ChangePodSettings => ({
  type: 'ChangePodSettings',
  data: { podId, podExists, changes, freshQuestionIds: fresh },
  metadata,
});
const changed = (data: Partial<PodSettingsChanged['data']>): PodSettingsChanged => ({
  type: 'PodSettingsChanged',
  data: { podId, requestVisibility: 'pod', escalateToNeighbours: false, admissionMode: 'open', joinQuestions: [], ...data },
  metadata: eventMetadata,
});

const byApplication = changed({
  admissionMode: 'application',
  joinQuestions: [
    { id: 'q-1', text: 'What brings you to the pod?' },
    { id: 'q-2', text: 'Which street do you live on?' },
  ],
});

describe('pod settings', () => {
  it('given the defaults, when coordinators open requests to the region and allow escalation, then the full settings are recorded', () => {
    spec(podSettingsDecider)
      .given([])
      .when(change({ requestVisibility: 'region', escalateToNeighbours: true }))
      .then([changed({ requestVisibility: 'region', escalateToNeighbours: true })]);
  });

  it('given the defaults, when the pod admits by application with its questions, then each question gets an id', () => {
    spec(podSettingsDecider)
      .given([])
      .when(change({ admissionMode: 'application', joinQuestions: [' What brings you  to the pod? ', 'Which street do you live on?'] }))
      .then([byApplication]);
  });

  it('keeps the id of a question asked before, so answers already given still point at it', () => {
    spec(podSettingsDecider)
      .given([byApplication])
      .when(change({ joinQuestions: ['Which street do you live on?', 'What can you offer?'] }))
      .then([
        changed({
          admissionMode: 'application',
          joinQuestions: [
            { id: 'q-2', text: 'Which street do you live on?' },
            { id: 'q-1', text: 'What can you offer?' },
          ],
        }),
      ]);
  });

  it('records nothing when nothing changes', () => {
    spec(podSettingsDecider)
      .given([byApplication])
      .when(change({ admissionMode: 'application', escalateToNeighbours: false }))
      .then([]);
  });

  it('keeps the questions when the pod switches to invite codes, so switching back loses nothing', () => {
    const [event] = spec(podSettingsDecider)
      .given([byApplication])
      .when(change({ admissionMode: 'invite-code' }))
      .then([changed({ admissionMode: 'invite-code', joinQuestions: byApplication.data.joinQuestions as never })]);
    expect((event as PodSettingsChanged).data.joinQuestions).toHaveLength(2);
  });

  it.each<[string, PodSettingsChanges, string, string]>([
    ['application without questions', { admissionMode: 'application' }, 'JOIN_QUESTIONS_REQUIRED', 'joinQuestions'],
    ['eleven questions', { joinQuestions: Array.from({ length: 11 }, (_, n) => `Question number ${n}?`) }, 'INVALID_JOIN_QUESTIONS', 'joinQuestions'],
    ['a question too short', { joinQuestions: ['Why?', 'Hm'] }, 'INVALID_JOIN_QUESTIONS', 'joinQuestions.1'],
    ['a question of only invisible characters', { joinQuestions: ['Why?', '\u200B\u200C\u2800\u3164'] }, 'INVALID_JOIN_QUESTIONS', 'joinQuestions.1'],
    ['a question with a NUL byte', { joinQuestions: ['Why?', 'Who\u0000 are you?'] }, 'INVALID_JOIN_QUESTIONS', 'joinQuestions.1'],
    ['the same question twice', { joinQuestions: ['Who are you?', 'Who are  you?'] }, 'INVALID_JOIN_QUESTIONS', 'joinQuestions.1'],
    ['an unknown visibility', { requestVisibility: 'everyone' }, 'INVALID_SETTING', 'requestVisibility'],
    ['an unknown admission mode', { admissionMode: 'lottery' }, 'INVALID_SETTING', 'admissionMode'],
  ])('refuses %s, naming the field', (_case, changes, code, field) => {
    const error = spec(podSettingsDecider).given([]).when(change(changes)).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code, field });
  });

  it('refuses settings for a pod that does not exist', () => {
    const error = spec(podSettingsDecider)
      .given([])
      .when(change({ escalateToNeighbours: true }, false))
      .thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'POD_NOT_FOUND', field: 'podId' });
  });
});

describe('decision methods', () => {
  const changeMethods = (changes: ChangeDecisionMethods['data']['changes']): ChangeDecisionMethods => ({
    type: 'ChangeDecisionMethods',
    data: { podId, podExists: true, changes, roleNames: ['coordinator', 'treasurer'] },
    metadata,
  });

  it('starts from the defaults and records every kind in full when one changes', () => {
    expect(spec(podSettingsDecider).given([]).state().decisionMethods).toEqual(DEFAULT_DECISION_METHODS);
    spec(podSettingsDecider)
      .given([])
      .when(changeMethods([{ kind: 'funds-disbursement', method: 'majority', quorumPercent: 30, role: 'treasurer' }]))
      .then([
        {
          type: 'DecisionMethodsChanged',
          data: {
            podId,
            decisionMethods: {
              ...DEFAULT_DECISION_METHODS,
              'funds-disbursement': { method: 'majority', quorumPercent: 30, electorate: { role: 'treasurer' } },
            },
          },
          metadata: eventMetadata,
        },
      ]);
    spec(podSettingsDecider)
      .given([])
      .when(changeMethods([{ kind: 'general', method: 'consent' }]))
      .then([]);
  });

  it.each<[string, ChangeDecisionMethods['data']['changes'], string]>([
    ['an unknown kind', [{ kind: 'election', method: 'consent' }], 'decisionMethods.0.kind'],
    [
      'a kind twice',
      [
        { kind: 'general', method: 'consent' },
        { kind: 'general', method: 'consensus' },
      ],
      'decisionMethods.1.kind',
    ],
    ['an unknown method', [{ kind: 'general', method: 'lottery' }], 'decisionMethods.0.method'],
    ['a quorum for consent', [{ kind: 'general', method: 'consent', quorumPercent: 50 }], 'decisionMethods.0.quorumPercent'],
    ['a quorum over 100', [{ kind: 'general', method: 'majority', quorumPercent: 101 }], 'decisionMethods.0.quorumPercent'],
    ['a role the pod lacks', [{ kind: 'general', method: 'consent', role: 'elders' }], 'decisionMethods.0.role'],
  ])('refuses %s, naming the field', (_case, changes, field) => {
    const error = spec(podSettingsDecider).given([]).when(changeMethods(changes)).thenThrows(DomainRuleViolation) as DomainRuleViolation;
    expect(error.field).toBe(field);
  });
});
