import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberErasedV1, type MemberErasedV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { PersonalTexts } from '../shared/personal-texts.store';

/**
 * A member was erased. Amounts stay (the ledger must still add up, and the member id is a pseudonym nobody can link
 * back once membership forgot the person); what they wrote (reasons, notes, their name as a donor) is deleted, and
 * they are shown as a former member from now on.
 */
@EventController()
export class BlankPersonalDataWhenMemberErased {
  constructor(private readonly texts: PersonalTexts) {}

  @EventPattern(MemberErasedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberErasedV1Data>): Promise<void> {
    const { memberId, podId, erasedAt } = event.data;
    await setTransactionPod(event.em, podId);
    await this.texts.eraseAuthor(event.em, memberId);
    await query(event.em, 'insert into funds_former_members (member_id, pod_id, erased_at) values (?, ?, ?) on conflict (member_id) do nothing', [
      memberId,
      podId,
      erasedAt,
    ]);
  }
}
