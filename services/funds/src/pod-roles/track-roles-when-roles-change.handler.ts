import { EventPattern, Payload } from '@nestjs/microservices';
import { RoleEndedV1, RoleGrantedV1, RoleLapsedV1, type RoleEndedV1Data, type RoleGrantedV1Data, type RoleLapsedV1Data } from '@mutuo/contracts';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { FUNDS_ACTOR } from '../funds.actor';
import { PodRoles } from '../shared/pod-roles.repository';

/** Treasurers approve and pay; coordinators record pod decisions. Funds keeps its own record from membership's role events. */
@EventController()
export class TrackRolesWhenRolesChange {
  constructor(private readonly roles: PodRoles) {}

  @EventPattern(RoleGrantedV1.type)
  async granted(@Payload() event: ReceivedEvent<RoleGrantedV1Data>): Promise<void> {
    const { podId, termId, memberId, role } = event.data;
    await this.roles.record(event.em, {
      type: 'RecordRoleHeld',
      data: { podId, termId, memberId, role },
      metadata: commandMetadataForEvent(event, FUNDS_ACTOR),
    });
  }

  @EventPattern(RoleLapsedV1.type)
  async lapsed(@Payload() event: ReceivedEvent<RoleLapsedV1Data>): Promise<void> {
    await this.ended(event);
  }

  @EventPattern(RoleEndedV1.type)
  async endedEarly(@Payload() event: ReceivedEvent<RoleEndedV1Data>): Promise<void> {
    await this.ended(event);
  }

  private async ended(event: ReceivedEvent<RoleLapsedV1Data | RoleEndedV1Data>): Promise<void> {
    const { podId, termId, memberId, role } = event.data;
    await this.roles.record(event.em, {
      type: 'RecordRoleEnded',
      data: { podId, termId, memberId, role },
      metadata: commandMetadataForEvent(event, FUNDS_ACTOR),
    });
  }
}
