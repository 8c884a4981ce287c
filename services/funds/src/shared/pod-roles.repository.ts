import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import type { CommandMetadata } from '@mutuo/domain';
import { holds, podRolesDecider, type PodRolesCommand, type PodRolesEvent, type PodRolesState } from '../domain/pod-roles.decider';

export const podRolesStream = (podId: string) => streamName('funds-pod-roles', podId, podId);

/** Who is treasurer or coordinator of a pod, per membership's role events as funds heard them. */
@Injectable()
export class PodRoles {
  private readonly commands: CommandHandler<PodRolesState, PodRolesCommand, PodRolesEvent>;

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store, podRolesDecider);
  }

  record(em: EntityManager, command: { type: 'RecordRoleHeld' | 'RecordRoleEnded'; data: PodRolesCommand['data']; metadata: CommandMetadata }) {
    return this.commands.handle(em, podRolesStream(command.data.podId), command as PodRolesCommand);
  }

  async of(em: EntityManager, podId: string, memberId: string): Promise<{ treasurer: boolean; coordinator: boolean }> {
    const { state } = await this.commands.load(em, podRolesStream(podId));
    return { treasurer: holds(state, memberId, 'treasurer'), coordinator: holds(state, memberId, 'coordinator') };
  }
}
