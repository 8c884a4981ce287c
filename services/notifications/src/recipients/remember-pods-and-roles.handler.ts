import { EventPattern, Payload } from '@nestjs/microservices';
import {
  PodCreatedV1,
  RoleEndedV1,
  RoleGrantedV1,
  RoleLapsedV1,
  type PodCreatedV1Data,
  type RoleEndedV1Data,
  type RoleGrantedV1Data,
  type RoleLapsedV1Data,
} from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/** A pod's languages and time zone (fallbacks for its members), and who holds which role (coordinators hear of problems). */
@EventController()
export class RememberPodsAndRoles {
  @EventPattern(PodCreatedV1.type)
  async podCreated(@Payload() event: ReceivedEvent<PodCreatedV1Data>): Promise<void> {
    const { podId, name, languages, timezone } = event.data;
    await query(
      event.em,
      `insert into pods (pod_id, name, languages, timezone) values (?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?) on conflict do nothing`,
      [podId, name, JSON.stringify(languages), timezone],
    );
  }

  @EventPattern(RoleGrantedV1.type)
  async granted(@Payload() event: ReceivedEvent<RoleGrantedV1Data>): Promise<void> {
    const { podId, termId, memberId, role } = event.data;
    await query(event.em, 'insert into pod_roles (pod_id, term_id, member_id, role) values (?, ?, ?, ?) on conflict do nothing', [
      podId,
      termId,
      memberId,
      role,
    ]);
  }

  @EventPattern(RoleLapsedV1.type)
  async lapsed(@Payload() event: ReceivedEvent<RoleLapsedV1Data>): Promise<void> {
    await query(event.em, 'delete from pod_roles where pod_id = ? and term_id = ?', [event.data.podId, event.data.termId]);
  }

  @EventPattern(RoleEndedV1.type)
  async ended(@Payload() event: ReceivedEvent<RoleEndedV1Data>): Promise<void> {
    await query(event.em, 'delete from pod_roles where pod_id = ? and term_id = ?', [event.data.podId, event.data.termId]);
  }
}
