import { EventPattern, Payload } from '@nestjs/microservices';
import { PodCreatedV1, type PodCreatedV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { FUNDS_ACTOR } from '../funds.actor';
import { podAccounts } from '../shared/account-ids';
import { Ledger } from '../shared/ledger.service';

/** A new pod gets its community time pool at once (money accounts open with the first money), and funds notes its region for clearing. */
@EventController()
export class OpenPodAccountsWhenPodCreated {
  constructor(private readonly ledger: Ledger) {}

  @EventPattern(PodCreatedV1.type)
  async handle(@Payload() event: ReceivedEvent<PodCreatedV1Data>): Promise<void> {
    const { podId, regionId } = event.data;
    await query(event.em, 'insert into funds_pods (pod_id, region_id) values (?, ?) on conflict (pod_id) do nothing', [podId, regionId]);
    await setTransactionPod(event.em, podId);
    await this.ledger.openAccount(event.em, podAccounts.communityPool(podId), commandMetadataForEvent(event, FUNDS_ACTOR));
  }
}
