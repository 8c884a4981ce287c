import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { inviteCodeDecider, type InviteCodeCommand, type InviteCodeEvent, type InviteCodeState } from '../../domain/invite-code.decider';
import { requireUuid } from '../input';
import { PodFacts } from '../../shared/pod-facts';
import { inviteCodeStream } from '../../shared/pod-streams';
import { inviteCodeKey, newInviteCode, normalizeInviteCode } from './invite-code';

/** An invite code as coordinators see it: never the code itself, which exists only in the answer to its creation. */
export interface InviteCodeView {
  readonly id: string;
  readonly label: string | null;
  readonly expiresAt: string;
  readonly maxUses: number;
  readonly uses: number;
  readonly revoked: boolean;
  readonly createdAt: string;
}

/** Coordinators create invite codes (each with an expiry and a number of uses) and withdraw them. */
@Injectable()
export class InviteCodesHandler {
  private readonly commands: CommandHandler<InviteCodeState, InviteCodeCommand, InviteCodeEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.commands = new CommandHandler(store, inviteCodeDecider);
  }

  async create(
    input: { expiresAt: string; maxUses: number; label?: string | null },
    ctx: RequestContext,
  ): Promise<{ code: string; inviteCode: InviteCodeView }> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const code = newInviteCode();
    const { codeHash, codeId } = inviteCodeKey(podId, normalizeInviteCode(code)!);
    const metadata = commandMetadataFrom(ctx, now);
    const { state } = await this.commands.handle(em, inviteCodeStream(podId, codeId), {
      type: 'CreateInviteCode',
      data: { podId, codeId, codeHash, expiresAt: input.expiresAt, maxUses: input.maxUses, label: input.label ?? null },
      metadata,
    });
    return { code, inviteCode: view(state, metadata.now) };
  }

  async revoke(id: string, ctx: RequestContext): Promise<InviteCodeView> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const codeId = requireUuid('id', id);
    const { state } = await this.commands.handle(em, inviteCodeStream(podId, codeId), {
      type: 'RevokeInviteCode',
      data: { codeId },
      metadata: commandMetadataFrom(ctx, now),
    });
    const { events } = await this.store.readStream(em, inviteCodeStream(podId, codeId));
    return view(state, events[0]!.metadata.occurredAt);
  }
}

function view(state: InviteCodeState, createdAt: string): InviteCodeView {
  if (state.status === 'none') throw new Error('An invite code command left no invite code');
  const { codeId, label, expiresAt, maxUses, uses } = state;
  return { id: codeId, label, expiresAt, maxUses, uses, revoked: state.status === 'revoked', createdAt };
}
