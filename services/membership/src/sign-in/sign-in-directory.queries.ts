import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { SIGN_IN_LOOKUP_SETTING, SIGN_IN_LOOKUP_VALUE } from '../shared/policy-settings';

export interface EmailOwner {
  readonly personId: string;
  readonly podId: string;
  readonly memberId: string;
  readonly channelId: string;
}

/**
 * Reads of the sign-in directory across pods. Only these reads set the lookup setting, in a transaction of their
 * own, so nothing else ever sees another pod's rows; they only read.
 */
@Injectable()
export class SignInDirectory {
  constructor(private readonly em: EntityManager) {}

  /** Members with a verified e-mail channel at this address, the most recently verified first. */
  verifiedEmailOwners(emailHash: Buffer): Promise<EmailOwner[]> {
    return this.acrossPods(async (tx) => {
      const rows = await query<{ person_id: string; pod_id: string; member_id: string; channel_id: string }>(
        tx,
        `select person_id, pod_id, member_id, channel_id from sign_in_email_index
         where email_hash = ? and verified_at is not null
         order by verified_at desc, channel_id`,
        [emailHash],
      );
      return rows.map((row) => ({ personId: row.person_id, podId: row.pod_id, memberId: row.member_id, channelId: row.channel_id }));
    });
  }

  /** Every pod the person belongs to, in a stable order. */
  podsOfPerson(personId: string): Promise<string[]> {
    return this.acrossPods(async (tx) =>
      (await query<{ pod_id: string }>(tx, 'select pod_id from sign_in_people where person_id = ? order by pod_id', [personId])).map((row) => row.pod_id),
    );
  }

  /** Runs `work` in a read-only transaction that may read the sign-in read models of every pod. */
  acrossPods<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'set transaction read only');
      await query(tx, 'select set_config(?, ?, true)', [SIGN_IN_LOOKUP_SETTING, SIGN_IN_LOOKUP_VALUE]);
      return work(tx);
    });
  }
}
