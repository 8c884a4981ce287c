import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestFulfilmentReversedV1, type RequestFulfilmentReversedV1Data } from '@mutuo/contracts';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { FUNDS_ACTOR } from '../funds.actor';
import { TimeBank } from './time-bank.service';

/** A confirmation undone by a coordinator: every leg of the fulfilment is reversed (never edited). */
@EventController()
export class ReverseHoursWhenFulfilmentReversed {
  constructor(private readonly timeBank: TimeBank) {}

  @EventPattern(RequestFulfilmentReversedV1.type)
  async handle(@Payload() event: ReceivedEvent<RequestFulfilmentReversedV1Data>): Promise<void> {
    await this.timeBank.reverse(event.em, { podId: event.data.podId, fulfilmentId: event.data.fulfilmentId }, commandMetadataForEvent(event, FUNDS_ACTOR));
  }
}
