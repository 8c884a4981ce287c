import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, optionalPlainText } from '@mutuo/domain';

/**
 * One invite code of a pod. The code itself is never stored: the handler hashes it, and the code's stream
 * id derives from that hash, so a person holding the code finds its stream and nobody else can read the
 * code back. Each use is an event on the code's stream, so two people racing for the last use cannot both
 * get it (optimistic concurrency on the stream).
 */

export const INVITE_CODE_LIMITS = { maxUsesMax: 1_000, maxLifetimeDays: 180, labelMax: 80 } as const;
const DAY_MS = 86_400_000;

/** The field a joining person gives the code in. */
export const INVITE_CODE_FIELD = 'inviteCode';

export type InviteCodeState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'revoked';
      readonly codeId: string;
      readonly podId: string;
      readonly expiresAt: string;
      readonly maxUses: number;
      readonly uses: number;
      readonly label: string | null;
    };

export type CreateInviteCode = Command<
  'CreateInviteCode',
  { podId: string; codeId: string; codeHash: string; expiresAt: string; maxUses: number; label: string | null }
>;
export type RedeemInviteCode = Command<'RedeemInviteCode', { memberId: string }>;
export type RevokeInviteCode = Command<'RevokeInviteCode', { codeId: string }>;
export type InviteCodeCommand = CreateInviteCode | RedeemInviteCode | RevokeInviteCode;

export type InviteCodeCreated = DomainEvent<
  'InviteCodeCreated',
  { podId: string; codeId: string; codeHash: string; expiresAt: string; maxUses: number; label: string | null }
>;
export type InviteCodeRedeemed = DomainEvent<'InviteCodeRedeemed', { podId: string; codeId: string; memberId: string; uses: number }>;
export type InviteCodeRevoked = DomainEvent<'InviteCodeRevoked', { podId: string; codeId: string }>;
export type InviteCodeEvent = InviteCodeCreated | InviteCodeRedeemed | InviteCodeRevoked;

export const INVITE_CODE_EVENT_TYPES = ['InviteCodeCreated', 'InviteCodeRedeemed', 'InviteCodeRevoked'] as const satisfies readonly InviteCodeEvent['type'][];

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const inviteCodeDecider: Decider<InviteCodeState, InviteCodeCommand, InviteCodeEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const now = command.metadata.now;
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'CreateInviteCode': {
        const { podId, codeId, codeHash, maxUses } = command.data;
        // A fresh random code colliding with another is (practically) impossible; the handler draws again if it does.
        if (state.status !== 'none') throw new DomainRuleViolation('INVITE_CODE_EXISTS', 'This invite code exists already', 'id');
        const expiresAt = expiry(command.data.expiresAt, now);
        if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > INVITE_CODE_LIMITS.maxUsesMax) {
          throw new DomainRuleViolation('INVALID_MAX_USES', `maxUses is a whole number from 1 to ${INVITE_CODE_LIMITS.maxUsesMax}`, 'maxUses');
        }
        const label = optionalPlainText(command.data.label, { field: 'label', min: 0, max: INVITE_CODE_LIMITS.labelMax, code: 'INVALID_LABEL' });
        return [{ type: 'InviteCodeCreated', data: { podId, codeId, codeHash, expiresAt, maxUses, label }, metadata }];
      }
      case 'RedeemInviteCode': {
        // One message for "no such code" whatever the reason, so guessing learns nothing about other pods' codes.
        if (state.status === 'none') throw new DomainRuleViolation('INVALID_INVITE_CODE', 'This invite code is not valid for this pod', INVITE_CODE_FIELD);
        if (state.status === 'revoked') throw new DomainRuleViolation('INVITE_CODE_REVOKED', 'This invite code was withdrawn', INVITE_CODE_FIELD);
        if (Date.parse(now) >= Date.parse(state.expiresAt)) {
          throw new DomainRuleViolation('INVITE_CODE_EXPIRED', `This invite code expired at ${state.expiresAt}`, INVITE_CODE_FIELD);
        }
        if (state.uses >= state.maxUses) {
          throw new DomainRuleViolation('INVITE_CODE_EXHAUSTED', 'This invite code has been used as often as it may be', INVITE_CODE_FIELD);
        }
        return [
          { type: 'InviteCodeRedeemed', data: { podId: state.podId, codeId: state.codeId, memberId: command.data.memberId, uses: state.uses + 1 }, metadata },
        ];
      }
      case 'RevokeInviteCode': {
        if (state.status === 'none') throw new DomainRuleViolation('INVITE_CODE_NOT_FOUND', 'No invite code of this pod has this id', 'id');
        if (state.status === 'revoked') return [];
        return [{ type: 'InviteCodeRevoked', data: { podId: state.podId, codeId: state.codeId }, metadata }];
      }
      default:
        return assertNever(command, 'invite code command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'InviteCodeCreated': {
        const { codeId, podId, expiresAt, maxUses, label } = event.data;
        return { status: 'active', codeId, podId, expiresAt, maxUses, uses: 0, label };
      }
      case 'InviteCodeRedeemed':
        return state.status === 'none' ? state : { ...state, uses: event.data.uses };
      case 'InviteCodeRevoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked' };
      default:
        return assertNever(event, 'invite code event');
    }
  },
};

function expiry(value: string, now: string): string {
  const at = ISO_WITH_OFFSET.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new DomainRuleViolation('INVALID_EXPIRY', 'expiresAt is an ISO-8601 date-time with an offset, such as 2026-12-31T18:00:00Z', 'expiresAt');
  }
  if (at <= Date.parse(now)) throw new DomainRuleViolation('INVALID_EXPIRY', 'expiresAt must be in the future', 'expiresAt');
  if (at - Date.parse(now) > INVITE_CODE_LIMITS.maxLifetimeDays * DAY_MS) {
    throw new DomainRuleViolation('INVALID_EXPIRY', `An invite code is valid for at most ${INVITE_CODE_LIMITS.maxLifetimeDays} days`, 'expiresAt');
  }
  return new Date(at).toISOString();
}
