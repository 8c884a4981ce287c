import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation, isUuid } from '@mutuo/domain';
import { inPodTransaction, query } from '@mutuo/event-store';
import { forbidden, requireIdentity, type RequestContext } from '@mutuo/platform';
import type { RefreshRefusal } from '../domain/refresh-session';
import { normalizeContactValue } from '../domain/profile-values';
import { CODE_DIGITS, presentedCode, type CodeRefusal } from '../domain/sign-in-code';
import { Clock } from '@mutuo/service-kit';
import { AccessTokens } from './tokens/access-tokens';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../shared/membership-auth.config';
import { ConfiguredStaff } from './tokens/configured-staff';
import { PersonStandings, type PodStanding } from './tokens/person-standings';
import { SignInSessions, type SessionRef } from './tokens/sign-in-sessions';
import { KeyedHashes, personIdForAddress } from './keyed-hashes';
import { OneTimeCodes, SIGN_IN_ACTOR } from './one-time-codes';
import { SignInRateLimits } from './rate-limits';
import { SignInDirectory, type EmailOwner } from './sign-in-directory.queries';
import { SignInRequesters, type Requester } from './sign-in-requesters';

/** What requestSignInCode answers, the same whether or not anybody has the address. */
export interface CodeRequestAnswer {
  readonly expiresAt: string;
  readonly codeLength: number;
}

export interface SessionAnswer {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresAt: string;
  /** Null after a pod switch: the session's refresh token stays the one the client has. */
  readonly refreshToken: string | null;
  readonly refreshTokenExpiresAt: string | null;
  /** Null while the person acts in no pod (a newcomer before joining, an operator, a region steward). */
  readonly podId: string | null;
  readonly pods: readonly string[];
}

const CODE_MESSAGES: Record<CodeRefusal, string> = {
  CODE_INVALID: 'This code is not valid: check it, or ask for a new one',
  CODE_EXPIRED: 'This code has expired: ask for a new one',
  CODE_LOCKED: 'Too many wrong attempts with this code: ask for a new one',
};

const REFRESH_MESSAGES: Record<RefreshRefusal, string> = {
  REFRESH_TOKEN_INVALID: 'This refresh token is not valid: sign in again',
  REFRESH_TOKEN_REUSED: 'This refresh token was already used, so the session was ended to protect it: sign in again',
  SESSION_REVOKED: 'This session has ended: sign in again',
  SESSION_EXPIRED: 'This session has expired: sign in again',
};

/** Codes per address and window: each known requester has a budget of its own, every other caller shares one. */
export const codeBudget = (addressHash: Buffer, requester: Requester) => `code-address:${addressHash.toString('hex')}:${requester.key}`;

export const invalidEmail = () => new DomainRuleViolation('INVALID_EMAIL', 'Give an e-mail address such as ana@example.org', 'email');
export const codeRefused = (refusal: CodeRefusal) => new DomainRuleViolation(refusal, CODE_MESSAGES[refusal], 'code');

/**
 * Passwordless sign-in: a code to an e-mail address, exchanged for an access token and a rotating refresh token;
 * plus refresh, sign-out and switching pods. An address a member verified signs in as that member's person; any
 * other address as a newcomer (a person id derived from the address, no pod, no roles), who may join or apply and
 * then switch into the pod. Addresses in the configuration add operator / region-steward roles. Nothing here
 * tells whether an address belongs to anyone.
 */
@Injectable()
export class SignInHandler {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly hashes: KeyedHashes,
    private readonly limits: SignInRateLimits,
    private readonly codes: OneTimeCodes,
    private readonly requesters: SignInRequesters,
    private readonly directory: SignInDirectory,
    private readonly standings: PersonStandings,
    private readonly staff: ConfiguredStaff,
    private readonly sessions: SignInSessions,
    private readonly tokens: AccessTokens,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
  ) {}

  async requestCode(input: { email: string }, ctx: RequestContext): Promise<CodeRequestAnswer> {
    const now = this.clock.now();
    const addressHash = this.hashes.emailAddress(input.email);
    if (addressHash === null) throw invalidEmail();
    const requester = await this.requesters.of(addressHash, ctx);
    await this.countRequest(requester, ctx, now);
    await this.limits.hit(codeBudget(addressHash, requester), this.config.maxCodesPerAddress, now, 'email');
    const [owner] = await this.directory.verifiedEmailOwners(addressHash);
    // Nobody verified the address: a newcomer, sent a code all the same. Both paths run the same statements, so
    // neither the answer nor its timing tells whether anybody has the address.
    const details = await this.deliveryDetails(owner ?? null, input.email);
    const recipient = owner
      ? { ...owner, ...details }
      : { personId: personIdForAddress(addressHash), podId: null, memberId: null, channelId: null, ...details };
    const { expiresAt } = await this.codes.issue('sign-in', addressHash, requester.key, recipient, now, SIGN_IN_ACTOR);
    return { expiresAt, codeLength: CODE_DIGITS };
  }

  /**
   * Exchanges the code for a session in the pod asked for, or else the pod of the address's most recently verified
   * channel, or else the person's first pod, or else no pod (a newcomer). A pod the person does not belong to is
   * refused before the code is used up.
   */
  async signIn(input: { email: string; code: string; podId?: string | null }, ctx: RequestContext): Promise<SessionAnswer> {
    const now = this.clock.now();
    const addressHash = this.hashes.emailAddress(input.email);
    if (addressHash === null) throw invalidEmail();
    const digits = presentedCode(input.code);
    if (digits === null) throw new DomainRuleViolation('CODE_INVALID', `A code has ${CODE_DIGITS} digits`, 'code');
    if (input.podId != null && !isUuid(input.podId)) throw new DomainRuleViolation('INVALID_POD_ID', 'A pod id is a UUID', 'podId');
    const requester = await this.requesters.of(addressHash, ctx);
    await this.countRequest(requester, ctx, now);

    const checked = await this.codes.check('sign-in', addressHash, requester.key, digits, now, async (owner, tx) => {
      if (owner === null) throw codeRefused('CODE_INVALID');
      const podId = input.podId?.toLowerCase() ?? owner.podId ?? (await this.directory.podsOfPerson(owner.personId))[0] ?? null;
      const standing = podId === null ? null : await this.standings.inPod(owner.personId, podId);
      if (podId !== null && !standing) throw new DomainRuleViolation('NOT_A_MEMBER', 'You are not a member of this pod', 'podId');
      const session = await this.sessions.start(tx, owner.personId, podId, addressHash, now);
      await this.requesters.remember(tx, addressHash, ctx, now);
      return { standing, session };
    });
    if (checked.outcome === 'refused') throw codeRefused(checked.refusal);
    const { standing, session } = checked.result;
    return this.answer(session, standing, now, { refreshToken: session.refreshToken, expiresAt: session.expiresAt });
  }

  async refresh(input: { refreshToken: string }): Promise<SessionAnswer> {
    const now = this.clock.now();
    const found: { standing: PodStanding | null } = { standing: null };
    const rotated = await this.sessions.rotate(input.refreshToken.trim(), now, async (session) => {
      // A session in no pod stays valid; one in a pod ends when the person is no longer there.
      if (session.podId === null) return true;
      found.standing = await this.standings.inPod(session.personId, session.podId);
      return found.standing !== null;
    });
    if (rotated.outcome === 'refused') throw new DomainRuleViolation(rotated.refusal, REFRESH_MESSAGES[rotated.refusal], 'refreshToken');
    return this.answer(rotated.session, found.standing, now, rotated.next);
  }

  /** Ends the session the caller's token belongs to. False when the token belongs to none (a development token). */
  async signOut(ctx: RequestContext): Promise<boolean> {
    const identity = this.person(ctx);
    if (!identity.sessionId) return false;
    await this.sessions.revoke(identity.sessionId, identity.subject, 'signed-out', this.clock.now());
    return true;
  }

  /** A token for another pod the person belongs to; the session's later refreshes stay in that pod. */
  async switchPod(input: { podId: string }, ctx: RequestContext): Promise<SessionAnswer> {
    const identity = this.person(ctx);
    const now = this.clock.now();
    if (!isUuid(input.podId)) throw new DomainRuleViolation('INVALID_POD_ID', 'A pod id is a UUID', 'podId');
    const session = identity.sessionId ? await this.sessions.active(identity.sessionId, identity.subject, now) : null;
    if (!session) throw new DomainRuleViolation('NO_SESSION', 'Your token belongs to no live session: sign in again');
    const podId = input.podId.toLowerCase();
    const standing = await this.standings.inPod(identity.subject, podId);
    if (!standing) throw new DomainRuleViolation('NOT_A_MEMBER', 'You are not a member of this pod', 'podId');
    await this.sessions.switchPod(session, podId);
    return this.answer({ ...session, podId }, standing, now, null);
  }

  private person(ctx: RequestContext) {
    const identity = requireIdentity(ctx);
    if (identity.clientId !== undefined) throw forbidden('Partner clients have no sign-in session');
    return identity;
  }

  /** The token names the pod standing (if any) plus what the configuration grants the address signed in with. */
  private async answer(
    session: SessionRef,
    standing: PodStanding | null,
    now: Date,
    refresh: { refreshToken: string; expiresAt: string } | null,
  ): Promise<SessionAnswer> {
    const staff = this.staff.of(session.addressHash);
    const access = await this.tokens.forPerson(
      {
        personId: session.personId,
        podId: standing?.podId ?? null,
        // A steward's token names the region they steward (requireRegionSteward reads it), even from a pod elsewhere.
        regionSlug: staff.regionSlug ?? standing?.regionSlug ?? null,
        roles: [...new Set([...(standing?.roles ?? []), ...staff.roles])],
        sessionId: session.sessionId,
      },
      now,
    );
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresAt: access.expiresAt,
      refreshToken: refresh?.refreshToken ?? null,
      refreshTokenExpiresAt: refresh?.expiresAt ?? null,
      podId: standing?.podId ?? null,
      pods: await this.directory.podsOfPerson(session.personId),
    };
  }

  /**
   * Code requests and guesses count against the caller's IP, except from a requester known for the address: that is
   * the owner where they signed in before, limited by the address's budget for it and the codes' own attempts.
   */
  private async countRequest(requester: Requester, ctx: RequestContext, now: Date): Promise<void> {
    if (requester.known) return;
    await this.limits.hit(`sign-in-ip:${ctx.clientIp ? this.hashes.clientIp(ctx.clientIp) : 'unknown'}`, this.config.maxSignInRequestsPerIp, now);
  }

  /**
   * The address as the member wrote it on their channel (the part before @ may be case-sensitive), and their
   * language; for a newcomer the address as typed and English, read by the same statement (which finds nothing).
   */
  private async deliveryDetails(owner: EmailOwner | null, typed: string): Promise<{ address: string; locale: string }> {
    const [row] = await inPodTransaction(this.em.fork(), owner?.podId ?? null, (tx) =>
      query<{ preferred_language: string | null; address: string | null }>(
        tx,
        `select (select preferred_language from members where id = ?) as preferred_language,
                (select value from member_contact_channels where channel_id = ?) as address`,
        [owner?.memberId ?? null, owner?.channelId ?? null],
      ),
    );
    return { address: row?.address ?? normalizeContactValue('email', typed)!, locale: row?.preferred_language ?? 'en' };
  }
}
