import { SignInCodeRequestedV1 } from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import { SIGN_IN_CODE_REQUESTED } from './one-time-codes';

/** A code to deliver leaves the service sealed; nothing else about sign-in does. */
export function publishSignInEvent(event: PendingEvent): IntegrationEventMapping | null {
  return event.type === SIGN_IN_CODE_REQUESTED ? { contract: SignInCodeRequestedV1, data: event.data } : null;
}
