import { EventPattern, Payload } from '@nestjs/microservices';
import { CoordinatorGapAlertedV1, RoleTermEndingV1, type CoordinatorGapAlertedV1Data, type RoleTermEndingV1Data } from '@mutuo/contracts';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';
import { findRoleHolders } from '../shared/recipient-directory';

/** Rotating roles: the holder hears their term ends; coordinators hear the pod is about to be without one. */
@EventController()
export class RemindHolderWhenRoleTermEnding {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(RoleTermEndingV1.type)
  async termEnding(@Payload() event: ReceivedEvent<RoleTermEndingV1Data>): Promise<void> {
    const { memberId, role, termEnd, renewable, termId } = event.data;
    await this.dispatcher.notifyMember(event.em, causeOf(event, this.clock), {
      recipientMemberId: memberId,
      kind: 'role-term-ending',
      subjectId: termId,
      params: { role, termEnd: new Date(termEnd), renewable },
    });
  }

  @EventPattern(CoordinatorGapAlertedV1.type)
  async coordinatorGap(@Payload() event: ReceivedEvent<CoordinatorGapAlertedV1Data>): Promise<void> {
    const { podId, lastCoordinatorMemberId, graceUntil, termId } = event.data;
    const coordinators = await findRoleHolders(event.em, podId, ['coordinator']);
    await this.dispatcher.notifyMembers(event.em, causeOf(event, this.clock), [lastCoordinatorMemberId, ...coordinators], {
      kind: 'coordinator-gap',
      subjectId: termId,
      params: { hasGrace: graceUntil !== null, graceUntil: new Date(graceUntil ?? event.time) },
    });
  }
}
