import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import { inviteCodeDecider, type CreateInviteCode, type InviteCodeCreated, type InviteCodeEvent, type InviteCodeRedeemed } from './invite-code.decider';

const podId = 'p0000000-0000-4000-8000-000000000001';
const codeId = 'd0000000-0000-4000-8000-00000000000d';
const DAY0 = Date.parse('2026-12-01T10:00:00.000Z');
const day = (n: number) => new Date(DAY0 + n * 86_400_000).toISOString();
const meta = (at: string, actorId = 'person-cy'): CommandMetadata => ({ now: at, actorId, podId });
const eventMeta = (at: string, actorId = 'person-cy') => ({ occurredAt: at, actorId, podId });

const create = (data: Partial<CreateInviteCode['data']> = {}, at = day(0)): CreateInviteCode => ({
  type: 'CreateInviteCode',
  data: { podId, codeId, codeHash: 'ab'.repeat(32), expiresAt: '2026-12-08T10:00:00+00:00', maxUses: 2, label: ' Street party ', ...data },
  metadata: meta(at),
});
const created: InviteCodeCreated = {
  type: 'InviteCodeCreated',
  data: { podId, codeId, codeHash: 'ab'.repeat(32), expiresAt: day(7), maxUses: 2, label: 'Street party' },
  metadata: eventMeta(day(0)),
};
const redeem = (memberId: string, at: string) => ({ type: 'RedeemInviteCode' as const, data: { memberId }, metadata: meta(at, `person-${memberId}`) });
const redeemed = (memberId: string, uses: number, at: string): InviteCodeRedeemed => ({
  type: 'InviteCodeRedeemed',
  data: { podId, codeId, memberId, uses },
  metadata: eventMeta(at, `person-${memberId}`),
});

function refusal(history: InviteCodeEvent[], command: Parameters<typeof inviteCodeDecider.decide>[0]) {
  return spec(inviteCodeDecider).given(history).when(command).thenThrows(DomainRuleViolation);
}

describe('invite codes', () => {
  it('given nothing, when a coordinator creates a code, then its expiry is stored in UTC and its label trimmed', () => {
    spec(inviteCodeDecider).given([]).when(create()).then([created]);
  });

  it('given a fresh code, when someone joins with it, then its first use is counted', () => {
    spec(inviteCodeDecider)
      .given([created])
      .when(redeem('ana', day(1)))
      .then([redeemed('ana', 1, day(1))]);
  });

  it('given a code used as often as it may be, when someone else tries it, then it is refused as exhausted', () => {
    const history = [created, redeemed('ana', 1, day(1)), redeemed('bo', 2, day(2))];
    expect(refusal(history, redeem('cy', day(3)))).toMatchObject({ code: 'INVITE_CODE_EXHAUSTED', field: 'inviteCode' });
  });

  it('given a code past its expiry, when someone tries it, then it is refused as expired (from the very moment of expiry)', () => {
    expect(refusal([created], redeem('ana', day(7)))).toMatchObject({ code: 'INVITE_CODE_EXPIRED', field: 'inviteCode' });
    spec(inviteCodeDecider)
      .given([created])
      .when(redeem('ana', new Date(Date.parse(day(7)) - 1).toISOString()))
      .then([redeemed('ana', 1, new Date(Date.parse(day(7)) - 1).toISOString())]);
  });

  it('given a revoked code, when someone tries it, then it is refused; revoking again changes nothing', () => {
    const revoked: InviteCodeEvent = { type: 'InviteCodeRevoked', data: { podId, codeId }, metadata: eventMeta(day(1)) };
    const revoke = { type: 'RevokeInviteCode' as const, data: { codeId }, metadata: meta(day(1)) };
    spec(inviteCodeDecider).given([created]).when(revoke).then([revoked]);
    expect(refusal([created, revoked], redeem('ana', day(2)))).toMatchObject({ code: 'INVITE_CODE_REVOKED', field: 'inviteCode' });
    spec(inviteCodeDecider).given([created, revoked]).when(revoke).then([]);
  });

  it('refuses a code that does not exist, without saying more', () => {
    expect(refusal([], redeem('ana', day(1)))).toMatchObject({ code: 'INVALID_INVITE_CODE', field: 'inviteCode' });
  });

  it.each<[string, Partial<CreateInviteCode['data']>, string, string]>([
    ['an expiry in the past', { expiresAt: day(-1) }, 'INVALID_EXPIRY', 'expiresAt'],
    ['an expiry more than 180 days away', { expiresAt: day(181) }, 'INVALID_EXPIRY', 'expiresAt'],
    ['an expiry without offset', { expiresAt: '2026-12-08T10:00:00' }, 'INVALID_EXPIRY', 'expiresAt'],
    ['no uses', { maxUses: 0 }, 'INVALID_MAX_USES', 'maxUses'],
    ['half a use', { maxUses: 1.5 }, 'INVALID_MAX_USES', 'maxUses'],
    ['a label of 81 characters', { label: 'x'.repeat(81) }, 'INVALID_LABEL', 'label'],
    ['a label with an escape character', { label: 'For \u001B[2Jthe market' }, 'INVALID_LABEL', 'label'],
  ])('refuses to create a code with %s, naming the field', (_case, data, code, field) => {
    expect(refusal([], create(data))).toMatchObject({ code, field });
  });
});
