import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, setTransactionPod, streamName, type StoredEvent } from '@mutuo/event-store';
import { FreshDeliveries, type FreshDelivery } from './delivery/fresh-deliveries';
import { NotificationDispatcher } from './delivery/notification-dispatcher';
import type { WorkerStep } from './delivery/delivery.worker';
import { findActivePodMembers } from './recipient-directory';
import { phoneTreeDecider, type PhoneTreeCommand, type PhoneTreeEvent, type PhoneTreeState, type SystemCall } from '../domain/phone-tree.decider';
import { NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from './policy-settings';

export const phoneTreeStream = (podId: string) => streamName('phone-tree', podId, podId);

/**
 * A pod's phone tree: set-up and activation by a dispatcher, acknowledgements by the people called, and (as a worker
 * step) escalation of calls not acknowledged in time. Whoever the system calls gets a `phone-tree-call` message,
 * by SMS first when they have a phone.
 */
@Injectable()
export class PhoneTreeHandler implements WorkerStep {
  private readonly commands: CommandHandler<PhoneTreeState, PhoneTreeCommand, PhoneTreeEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly dispatcher: NotificationDispatcher,
    private readonly fresh: FreshDeliveries,
  ) {
    this.commands = new CommandHandler(store, phoneTreeDecider);
  }

  /** Every person listed must be an active member of the pod, as notifications' copy of membership knows them. */
  async setUp(podId: string, setup: { memberIds: string[]; fanOut: number; ackTimeoutMinutes: number }, metadata: CommandMetadata): Promise<PhoneTreeState> {
    return this.em.fork().transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      const activeMemberIds = await findActivePodMembers(tx, podId, setup.memberIds);
      return (await this.commands.handle(tx, phoneTreeStream(podId), { type: 'SetUpPhoneTree', data: { podId, ...setup, activeMemberIds }, metadata })).state;
    });
  }

  activate(podId: string, reason: string, metadata: CommandMetadata): Promise<PhoneTreeState> {
    return this.run(podId, { type: 'ActivatePhoneTree', data: { activationId: randomUUID(), reason }, metadata });
  }

  acknowledge(podId: string, memberId: string, metadata: CommandMetadata): Promise<PhoneTreeState> {
    return this.run(podId, { type: 'AcknowledgePhoneTreeCall', data: { memberId }, metadata });
  }

  close(podId: string, metadata: CommandMetadata): Promise<PhoneTreeState> {
    return this.run(podId, { type: 'ClosePhoneTree', data: {}, metadata });
  }

  async status(podId: string): Promise<PhoneTreeState> {
    return (await this.commands.load(this.em.fork(), phoneTreeStream(podId))).state;
  }

  /** Escalates the calls whose time ran out, in every pod with an active tree. */
  async runOnce(now: Date): Promise<number> {
    const due = await this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
      return query<{ pod_id: string }>(tx, `select pod_id from phone_trees where status = 'active' and next_deadline <= ?`, [now.toISOString()]);
    });
    let escalated = 0;
    for (const { pod_id: podId } of due) {
      await this.run(podId, { type: 'EscalateMissedCalls', data: {}, metadata: { now: now.toISOString(), actorId: 'system:phone-tree', podId } });
      escalated++;
    }
    return escalated;
  }

  /** The command and the messages to whoever the system now calls commit together. */
  private async run(podId: string, command: PhoneTreeCommand): Promise<PhoneTreeState> {
    const decided: FreshDelivery[] = [];
    const result = await this.em.fork().transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      const { state, newEvents } = await this.commands.handle(tx, phoneTreeStream(podId), command);
      const reason = state.status === 'active' ? state.reason : '';
      for (const event of newEvents as (StoredEvent & PhoneTreeEvent)[]) {
        const calls: SystemCall[] = event.type === 'PhoneTreeActivated' || event.type === 'PhoneTreeCallMissed' ? event.data.systemCalls : [];
        for (const call of calls) {
          const delivery = await this.dispatcher.notifyMember(
            tx,
            { eventId: event.eventId, podId, metadata: { ...command.metadata, causationId: event.eventId } },
            {
              recipientMemberId: call.memberId,
              kind: 'phone-tree-call',
              subjectId: podId,
              params: { reason, branchSize: call.branchSize },
              emergency: true,
              preferChannel: 'sms',
            },
          );
          if (delivery) decided.push(delivery);
        }
      }
      return state;
    });
    // Committed: the calls go out now, without waiting for the read model.
    this.fresh.add(decided);
    return result;
  }
}
