import { EventPattern, Payload } from '@nestjs/microservices';
import { SuggestionsMadeV1, type SuggestionsMadeV1Data } from '@mutuo/contracts';
import { setTransactionPod } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { asSelectKey } from '../domain/templates/render-message';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/**
 * Tells each suggested helper, in their own pod and language, that someone nearby needs help with the request's
 * category (which the round carries). Nothing else about the request leaves here: no requester, no contact, no place,
 * no title; the helper sees more in the app once they accept. An emergency request may pass quiet hours for helpers
 * who allowed that.
 */
@EventController()
export class TellHelperWhenSuggested {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(SuggestionsMadeV1.type)
  async handle(@Payload() event: ReceivedEvent<SuggestionsMadeV1Data>): Promise<void> {
    const { suggestions } = event.data;
    const em = event.em;
    // From the round itself, never from request-posted, which may not have arrived yet. Rounds published before
    // matching carried these read as the contract documents: category `other`, urgency `normal`.
    const category = asSelectKey(event.data.category ?? 'other');
    const urgency = event.data.urgency ?? 'normal';
    for (const suggestion of suggestions) {
      await setTransactionPod(em, suggestion.helperPodId);
      await this.dispatcher.notifyMember(em, causeOf(event, this.clock, suggestion.helperPodId), {
        recipientMemberId: suggestion.helperMemberId,
        kind: 'helper-suggested',
        subjectId: suggestion.suggestionId,
        params: { category, urgency },
        emergency: urgency === 'emergency',
      });
    }
    await setTransactionPod(em, event.podId);
  }
}
