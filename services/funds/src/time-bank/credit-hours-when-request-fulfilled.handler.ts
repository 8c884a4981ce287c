import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestFulfilledV1, type RequestFulfilledV1Data } from '@mutuo/contracts';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { FUNDS_ACTOR } from '../funds.actor';
import { TimeBank } from './time-bank.service';

/** Help confirmed with hours given: the helpers' time accounts are credited, the requester's debited, once. */
@EventController()
export class CreditHoursWhenRequestFulfilled {
  constructor(private readonly timeBank: TimeBank) {}

  @EventPattern(RequestFulfilledV1.type)
  async handle(@Payload() event: ReceivedEvent<RequestFulfilledV1Data>): Promise<void> {
    await this.timeBank.credit(event.em, event.data, commandMetadataForEvent(event, FUNDS_ACTOR));
  }
}
