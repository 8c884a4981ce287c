import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';

/**
 * A pod's agreements (how decisions are made, how help is asked for, boundaries) as versioned markdown.
 * Each publication is the next version; members acknowledge a version, and joining needs the current one.
 */

export const AGREEMENTS_TEXT_MAX = 20_000;

export interface PodAgreementsState {
  /** 0 while the pod has published none. */
  readonly version: number;
  readonly text: string | null;
}

/**
 * `basedOnVersion`: the version the coordinator edited, when they say; publishing over a newer version
 * someone else published meanwhile is refused rather than silently replacing it.
 */
export type PublishAgreements = Command<
  'PublishAgreements',
  { podId: string; podExists: boolean; publishedByMemberId: string; text: string; basedOnVersion: number | null }
>;
export type PodAgreementsCommand = PublishAgreements;

export type AgreementsPublished = DomainEvent<'AgreementsPublished', { podId: string; version: number; text: string; publishedByMemberId: string }>;
export type PodAgreementsEvent = AgreementsPublished;

export const podAgreementsDecider: Decider<PodAgreementsState, PodAgreementsCommand, PodAgreementsEvent> = {
  initialState: () => ({ version: 0, text: null }),

  decide(command, state) {
    switch (command.type) {
      case 'PublishAgreements': {
        const { podId, podExists, publishedByMemberId, basedOnVersion } = command.data;
        if (!podExists) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
        if (basedOnVersion !== null && basedOnVersion !== state.version) {
          throw new DomainRuleViolation(
            'STALE_AGREEMENTS_VERSION',
            `The agreements are at version ${state.version} now, not ${basedOnVersion}: read the current text and edit that`,
            'basedOnVersion',
          );
        }
        // Markdown keeps its line structure (line breaks become LF); blank space around it is dropped.
        const text = plainText(command.data.text, { field: 'text', max: AGREEMENTS_TEXT_MAX, multiline: true, code: 'INVALID_AGREEMENTS' });
        // The same text again is not a new version: nobody would need to acknowledge anything.
        if (text === state.text) return [];
        return [
          {
            type: 'AgreementsPublished',
            data: { podId, version: state.version + 1, text, publishedByMemberId },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'pod agreements command');
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'AgreementsPublished':
        return { version: event.data.version, text: event.data.text };
      default:
        return assertNever(event.type, 'pod agreements event');
    }
  },
};

/**
 * Whether `given` acknowledges the current agreements. When the pod has agreements, joining needs their
 * current version; a pod without any accepts no version at all (it would acknowledge nothing).
 */
export function requireCurrentAgreements(currentVersion: number, given: number | null, field: string): void {
  if (currentVersion === 0) {
    if (given !== null) throw new DomainRuleViolation('UNKNOWN_AGREEMENTS_VERSION', 'This pod has not published agreements yet', field);
    return;
  }
  if (given === null) {
    throw new DomainRuleViolation(
      'AGREEMENTS_NOT_ACKNOWLEDGED',
      `Read and acknowledge the pod's agreements: give their current version (${currentVersion})`,
      field,
    );
  }
  if (given !== currentVersion) {
    throw new DomainRuleViolation(
      'STALE_AGREEMENTS_VERSION',
      `The pod's agreements are at version ${currentVersion}, not ${given}: read the current version and acknowledge that`,
      field,
    );
  }
}
