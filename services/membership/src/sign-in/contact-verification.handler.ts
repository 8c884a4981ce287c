import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import type { RequestContext } from '@mutuo/platform';
import { memberProfileDecider } from '../domain/member-profile.decider';
import { CODE_DIGITS, presentedCode } from '../domain/sign-in-code';
import type { ContactChannelDetails, MemberParent } from '../shared/member-details';
import { callingMember, MemberStream, type CallingMember } from '../shared/member-stream';
import { Clock } from '@mutuo/service-kit';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../shared/membership-auth.config';
import { KeyedHashes } from './keyed-hashes';
import { OneTimeCodes } from './one-time-codes';
import { SignInRateLimits } from './rate-limits';
import { codeBudget, codeRefused, type CodeRequestAnswer } from './sign-in.handler';
import { SignInRequesters, type Requester } from './sign-in-requesters';

/** Channels a code can prove: an e-mail address (sent by e-mail) or a phone number (sent by SMS). */
const VERIFIABLE = { email: 'email', phone: 'sms' } as const;
type VerifiableChannel = ContactChannelDetails & { readonly kind: keyof typeof VERIFIABLE };

/**
 * A member proves they receive messages at one of their e-mail or phone channels with the same one-time codes as
 * sign-in (a phone's by SMS); the channel is then verified (MarkContactVerified): a verified e-mail opens sign-in by
 * code, and notifications writes only to verified channels. Answers and budgets are the same whether or not anyone
 * else has the address or number: each member has its own budget for it, and a code only ever verifies the channel
 * of the member it was sent for.
 */
@Injectable()
export class ContactVerificationHandler {
  constructor(
    private readonly clock: Clock,
    private readonly hashes: KeyedHashes,
    private readonly limits: SignInRateLimits,
    private readonly codes: OneTimeCodes,
    private readonly requesters: SignInRequesters,
    private readonly stream: MemberStream,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
  ) {}

  async requestCode(channelId: string, ctx: RequestContext): Promise<CodeRequestAnswer> {
    const now = this.clock.now();
    const caller = callingMember(ctx, now);
    const { channel, locale } = await this.unverifiedChannel(caller, channelId);
    const addressHash = this.addressHash(channel);
    const requester = memberRequester(caller);
    await this.limits.hit(`verification-member:${caller.memberId}`, this.config.maxVerificationCodesPerMember, now, 'channelId');
    if (channel.kind === 'phone') await this.limits.hit(`code-number:${addressHash.toString('hex')}`, this.config.maxCodesPerPhoneNumber, now, 'channelId');
    await this.limits.hit(codeBudget(addressHash, requester), this.config.maxCodesPerAddress, now, 'channelId');
    const { expiresAt } = await this.codes.issue(
      'contact-verification',
      addressHash,
      requester.key,
      {
        personId: caller.metadata.actorId,
        podId: caller.podId,
        memberId: caller.memberId,
        channelId: channel.channelId,
        address: channel.value,
        locale,
        deliverBy: VERIFIABLE[channel.kind],
      },
      now,
      caller.metadata.actorId,
    );
    return { expiresAt, codeLength: CODE_DIGITS };
  }

  async verify(input: { channelId: string; code: string }, ctx: RequestContext): Promise<MemberParent> {
    const now = this.clock.now();
    const caller = callingMember(ctx, now);
    const digits = presentedCode(input.code);
    if (digits === null) throw new DomainRuleViolation('CODE_INVALID', `A code has ${CODE_DIGITS} digits`, 'code');
    const { channel } = await this.unverifiedChannel(caller, input.channelId);
    const addressHash = this.addressHash(channel);
    const checked = await this.codes.check('contact-verification', addressHash, memberRequester(caller).key, digits, now, async (owner, tx) => {
      // The address's live code was sent for another channel (another member with the same address, say).
      if (owner?.channelId !== channel.channelId || owner.memberId !== caller.memberId) throw codeRefused('CODE_INVALID');
      await this.stream.decide(memberProfileDecider, caller.podId, caller.memberId, {
        type: 'MarkContactVerified',
        data: { channelId: channel.channelId },
        metadata: caller.metadata,
      });
      // Reading the address's mail from here is proof enough: sign-in from this IP gets budgets of its own.
      if (channel.kind === 'email') await this.requesters.remember(tx, addressHash, ctx, now);
      return true;
    });
    if (checked.outcome === 'refused') throw codeRefused(checked.refusal);
    return this.stream.snapshotOf(caller);
  }

  /** Keyed per kind: an e-mail address and a phone number never share a hash, codes or budgets. */
  private addressHash(channel: VerifiableChannel): Buffer {
    return channel.kind === 'email' ? this.hashes.emailAddress(channel.value)! : this.hashes.phoneNumber(channel.value)!;
  }

  private async unverifiedChannel(caller: CallingMember, channelId: string): Promise<{ channel: VerifiableChannel; locale: string }> {
    const member = await this.stream.snapshot(caller.podId, caller.memberId);
    if (!member) throw new DomainRuleViolation('NOT_A_MEMBER', 'Join the pod before verifying a contact channel');
    const channel = member.snapshot?.privateDetails.contactChannels.find((candidate) => candidate.channelId === channelId);
    if (!channel) throw new DomainRuleViolation('CONTACT_CHANNEL_NOT_FOUND', 'You have no contact channel with this id', 'channelId');
    if (!isVerifiable(channel)) throw new DomainRuleViolation('CHANNEL_NOT_VERIFIABLE', 'Only e-mail and phone channels can be verified', 'channelId');
    if (channel.verified) throw new DomainRuleViolation('CHANNEL_ALREADY_VERIFIED', 'This channel is verified already', 'channelId');
    return { channel, locale: member.preferredLanguage };
  }
}

/** Verification codes are asked for by a signed-in member: each member has the address's budget to themselves. */
function memberRequester(caller: CallingMember): Requester {
  return { key: `member:${caller.memberId}`, known: true };
}

function isVerifiable(channel: ContactChannelDetails): channel is VerifiableChannel {
  return channel.kind in VERIFIABLE;
}
