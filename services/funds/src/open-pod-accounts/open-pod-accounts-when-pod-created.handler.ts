import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PodCreatedV1, uuidV5, type PodCreatedV1Data } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { RethrowEventErrorsFilter, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import {
  podAccountsDecider,
  type PodAccountsCommand,
  type PodAccountsEvent,
  type PodAccountsState,
} from '../domain/pod-accounts.decider';

export const FUNDS_ACTOR = 'system:funds';
const ACCOUNT_ID_NAMESPACE = '0b7e6c1a-4d2f-4e8b-a3c5-9f1d2e3b4a56';

/** Account ids derive from pod and kind, so hearing of a pod twice can never open a second pool. */
export function communityPoolAccountId(podId: string): string {
  return uuidV5(`${podId}:community-time-pool`, ACCOUNT_ID_NAMESPACE);
}

@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class OpenPodAccountsWhenPodCreated {
  private readonly commands: CommandHandler<PodAccountsState, PodAccountsCommand, PodAccountsEvent>;

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store, podAccountsDecider);
  }

  @EventPattern(PodCreatedV1.type)
  async handle(@Payload() event: ReceivedEvent<PodCreatedV1Data>): Promise<void> {
    const { podId } = event.data;
    await this.commands.handle(event.em, streamName('pod-accounts', podId, podId), {
      type: 'OpenPodAccounts',
      data: { podId, communityPoolAccountId: communityPoolAccountId(podId) },
      metadata: commandMetadataForEvent(event, FUNDS_ACTOR),
    });
  }
}
