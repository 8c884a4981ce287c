import { EventPattern, Payload } from '@nestjs/microservices';
import {
  RequestCancelledV1,
  RequestExpiredV1,
  RequestFulfilledV1,
  type RequestCancelledV1Data,
  type RequestExpiredV1Data,
  type RequestFulfilledV1Data,
} from '@mutuo/contracts';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { MATCHING_ACTOR, requestMatchingStream, SuggestHelpersService } from '../shared/suggest-helpers.service';

/** A cancelled, expired or fulfilled request gets no more suggestions, and a fulfilled match frees the helper's capacity. */
@EventController()
export class StopMatchingWhenRequestClosed {
  constructor(
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
  ) {}

  @EventPattern(RequestCancelledV1.type)
  async cancelled(@Payload() event: ReceivedEvent<RequestCancelledV1Data>): Promise<void> {
    await this.close(event, 'cancelled');
  }

  @EventPattern(RequestExpiredV1.type)
  async expired(@Payload() event: ReceivedEvent<RequestExpiredV1Data>): Promise<void> {
    await this.close(event, 'closed');
  }

  @EventPattern(RequestFulfilledV1.type)
  async fulfilled(@Payload() event: ReceivedEvent<RequestFulfilledV1Data>): Promise<void> {
    await this.close(event, 'fulfilled');
  }

  private async close(event: ReceivedEvent<{ requestId: string; podId: string }>, reason: 'cancelled' | 'fulfilled' | 'closed'): Promise<void> {
    const { requestId, podId } = event.data;
    await this.suggestions.commands.handle(event.em, requestMatchingStream(podId, requestId), {
      type: 'CloseRequest',
      data: { requestId, reason },
      metadata: commandMetadataForEvent(event, MATCHING_ACTOR, this.clock.now()),
    });
  }
}
