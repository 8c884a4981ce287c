import { Command, Decider, DomainEvent, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * Whether a phone number takes our SMS: STOP opts it out at once and START opts it back in, as carriers require.
 * The stream is keyed by a keyed hash of the number (`numberKey`), so no event names the number itself. A repeated
 * keyword changes nothing; the provider's message id says which text caused the change.
 */
export type SmsConsentState =
  { readonly status: 'none' } | { readonly status: 'opted-in'; readonly since: string } | { readonly status: 'opted-out'; readonly since: string };

interface KeywordData {
  readonly numberKey: string;
  /** The provider's id of the text that carried the keyword. */
  readonly messageId: string;
}

export type OptOutOfSms = Command<'OptOutOfSms', KeywordData>;
export type OptInToSms = Command<'OptInToSms', KeywordData>;
export type SmsConsentCommand = OptOutOfSms | OptInToSms;

export type SmsOptedOut = DomainEvent<'SmsOptedOut', KeywordData & { readonly optedOutAt: string }>;
export type SmsOptedIn = DomainEvent<'SmsOptedIn', KeywordData & { readonly optedInAt: string }>;
export type SmsConsentEvent = SmsOptedOut | SmsOptedIn;

export const smsConsentDecider: Decider<SmsConsentState, SmsConsentCommand, SmsConsentEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'OptOutOfSms':
        if (state.status === 'opted-out') return [];
        return [{ type: 'SmsOptedOut', data: { ...command.data, optedOutAt: command.metadata.now }, metadata }];
      case 'OptInToSms':
        // A number never opted out takes our texts already: START only undoes a STOP.
        if (state.status !== 'opted-out') return [];
        return [{ type: 'SmsOptedIn', data: { ...command.data, optedInAt: command.metadata.now }, metadata }];
      default:
        return assertNever(command);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'SmsOptedOut':
        return { status: 'opted-out', since: event.data.optedOutAt };
      case 'SmsOptedIn':
        return { status: 'opted-in', since: event.data.optedInAt };
      default:
        return assertNever(event);
    }
  },
};
