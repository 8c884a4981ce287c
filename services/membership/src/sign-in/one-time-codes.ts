import { randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { sealSignInCodeDelivery, type SignInCodeRequestedV1Data } from '@mutuo/contracts';
import { PostgresEventStore, query, streamName } from '@mutuo/event-store';
import type { Logger } from '@mutuo/platform';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import { CODE_DIGITS, codeExpiry, judgeCodeGuess, type CodeRefusal } from '../domain/sign-in-code';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../shared/membership-auth.config';
import { KeyedHashes, sameHash } from './keyed-hashes';

export type CodePurpose = SignInCodeRequestedV1Data['purpose'];

/**
 * Whom a code is for. A newcomer (an address no member verified) has a person id but no pod, member or channel.
 * Null: the code is kept, refused like any other, never sent.
 */
export interface CodeRecipient {
  readonly personId: string;
  readonly podId: string | null;
  readonly memberId: string | null;
  readonly channelId: string | null;
  /** Where to send it and in which language. */
  readonly address: string;
  readonly locale: string;
  /** How: e-mail unless told (a phone channel's code goes by SMS). */
  readonly deliverBy?: SignInCodeRequestedV1Data['channel'];
}

export interface CodeOwner {
  readonly personId: string;
  readonly podId: string | null;
  readonly memberId: string | null;
  readonly channelId: string | null;
}

export type CheckOutcome<Result> = { readonly outcome: 'accepted'; readonly result: Result } | { readonly outcome: 'refused'; readonly refusal: CodeRefusal };

/** The internal event behind `membership.sign-in-code-requested.v1`. */
export const SIGN_IN_CODE_REQUESTED = 'SignInCodeRequested';
export const SIGN_IN_ACTOR = 'system:membership-sign-in';

interface CodeRow {
  code_id: string;
  code_hash: Buffer;
  person_id: string | null;
  pod_id: string | null;
  member_id: string | null;
  channel_id: string | null;
  expires_at: Date | string;
  requester: string;
  attempts: number;
  foreign_attempts: number;
  consumed_at: Date | string | null;
}

/**
 * One-time codes: six random digits, stored only as a keyed hash, one live code per address, purpose and requester
 * (a new one supersedes the last the same requester asked for, never another's), expiring, single-use and locked
 * after too many wrong guesses: the requester's own, and apart from those everyone else's. Issuing a code for a
 * real recipient appends the sealed delivery event in the same transaction, so it is sent exactly when stored.
 */
@Injectable()
export class OneTimeCodes {
  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly hashes: KeyedHashes,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async issue(
    purpose: CodePurpose,
    addressHash: Buffer,
    requester: string,
    recipient: CodeRecipient | null,
    now: Date,
    actorId: string,
  ): Promise<{ expiresAt: string }> {
    const codeId = randomUUID();
    const digits = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    const at = now.toISOString();
    const expiresAt = codeExpiry(at, this.config.codeTtlSeconds);
    await this.em.fork().transactional(async (tx) => {
      await query(
        tx,
        `update sign_in_codes set superseded_at = ?
         where address_hash = ? and purpose = ? and requester = ? and superseded_at is null`,
        [at, addressHash, purpose, requester],
      );
      await query(
        tx,
        `insert into sign_in_codes (code_id, purpose, address_hash, requester, code_hash, person_id, pod_id, member_id, channel_id, created_at, expires_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          codeId,
          purpose,
          addressHash,
          requester,
          this.hashes.oneTimeCode(codeId, digits),
          recipient?.personId ?? null,
          recipient?.podId ?? null,
          recipient?.memberId ?? null,
          recipient?.channelId ?? null,
          at,
          expiresAt,
        ],
      );
      if (!recipient) return;
      // A sign-in belongs to no pod yet; a contact verification happens in the member's pod.
      const podId = purpose === 'sign-in' ? null : recipient.podId;
      const channel = recipient.deliverBy ?? 'email';
      const data: SignInCodeRequestedV1Data = {
        deliveryId: codeId,
        purpose,
        channel,
        locale: recipient.locale,
        expiresAt,
        sealed: sealSignInCodeDelivery(this.config.codeDeliveryKey, { to: recipient.address, code: digits }, { deliveryId: codeId, purpose, channel }),
      };
      await this.store.append(
        tx,
        streamName('sign-in-code', podId, codeId),
        [{ id: codeId, type: SIGN_IN_CODE_REQUESTED, data, metadata: { occurredAt: at, actorId, ...(podId ? { podId } : {}) } }],
        'no_stream',
      );
    });
    if (recipient && !this.config.production) {
      // Until the notifications service delivers codes, a developer reads them here. Never in production.
      this.logger.info({ purpose, to: recipient.address, code: digits, expiresAt }, 'One-time code (development only; notifications delivers it)');
    }
    return { expiresAt };
  }

  /**
   * Checks a guess from `requester` against the live codes of the address (judgeCodeGuess). On a match `accept`
   * sees whom the code is for (null for a code nobody was sent) and does its work in the same transaction; the code
   * is used up with it, or, when `accept` throws, stays as it was. Wrong guesses are recorded even though the
   * answer is a refusal.
   */
  async check<Result>(
    purpose: CodePurpose,
    addressHash: Buffer,
    requester: string,
    digits: string,
    now: Date,
    accept: (owner: CodeOwner | null, tx: EntityManager) => Promise<Result>,
  ): Promise<CheckOutcome<Result>> {
    return this.em.fork().transactional(async (tx) => {
      // One row per requester at most (a new code supersedes the requester's last), the newest first.
      const rows = await query<CodeRow>(
        tx,
        `select code_id, code_hash, person_id, pod_id, member_id, channel_id, expires_at, requester, attempts, foreign_attempts, consumed_at
         from sign_in_codes where address_hash = ? and purpose = ? and superseded_at is null
         order by created_at desc, code_id for update`,
        [addressHash, purpose],
      );
      const candidates = rows.map((row) => {
        const own = row.requester === requester;
        return {
          own,
          matches: sameHash(row.code_hash, this.hashes.oneTimeCode(row.code_id, digits)),
          code: { expiresAt: iso(row.expires_at), attempts: own ? row.attempts : row.foreign_attempts, consumedAt: row.consumed_at && iso(row.consumed_at) },
        };
      });
      const verdict = judgeCodeGuess(candidates, now.toISOString(), this.config.codeMaxAttempts);
      if (verdict.outcome === 'refused') {
        for (const index of verdict.counted) {
          const counter = candidates[index]!.own ? 'attempts' : 'foreign_attempts';
          await query(tx, `update sign_in_codes set ${counter} = ${counter} + 1 where code_id = ?`, [rows[index]!.code_id]);
        }
        return { outcome: 'refused', refusal: verdict.refusal };
      }
      const row = rows[verdict.index]!;
      const owner = row.person_id ? { personId: row.person_id, podId: row.pod_id, memberId: row.member_id, channelId: row.channel_id } : null;
      const result = await accept(owner, tx);
      await query(tx, 'update sign_in_codes set consumed_at = ? where code_id = ?', [now.toISOString(), row.code_id]);
      return { outcome: 'accepted', result };
    });
  }
}

/** Timestamps come back from the driver as strings or dates, depending on the connection's settings. */
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
