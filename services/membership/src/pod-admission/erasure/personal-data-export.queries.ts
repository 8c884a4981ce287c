import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, foldEvents } from '@mutuo/domain';
import { inPodTransaction, PostgresEventStore, query } from '@mutuo/event-store';
import { requirePod, type RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { memberAdmissionDecider, type MemberAdmissionEvent } from '../../domain/member-admission.decider';
import { MemberStream } from '../../shared/member-stream';
import { requirePerson } from '../input';
import { memberStream } from '../../shared/pod-streams';

export const PERSONAL_DATA_EXPORT_FORMAT = 'mutuo.membership.personal-data-export.v1';

export interface PersonalDataExport {
  readonly memberId: string;
  readonly podId: string;
  readonly generatedAt: string;
  /** The document itself, JSON (see docs/membership.md). */
  readonly json: string;
}

type Row = Record<string, unknown>;

/**
 * Everything the pod's membership holds about the caller, as one JSON document: their member record and current
 * settings, the whole history of their member stream (profile, contacts, boundaries, pauses, blocks, join answers,
 * agreements, leaving), their roles now and in the pod's role history, the blocks they made and their sign-in
 * sessions into the pod (times only: the tokens are never kept in the clear). Read from the events (opened with
 * the member's data key) and the read models, in one pod-scoped transaction.
 */
@Injectable()
export class PersonalDataExportQueries {
  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly streams: MemberStream,
    private readonly clock: Clock,
  ) {}

  async mine(ctx: RequestContext, now = this.clock.now()): Promise<PersonalDataExport> {
    requirePerson(ctx);
    const { identity, podId } = requirePod(ctx);
    const memberId = memberIdFor(podId, identity.subject);
    const document = await inPodTransaction(this.em.fork(), podId, async (tx) => {
      const { events } = await this.store.readStream(tx, memberStream(podId, memberId));
      if (events.length === 0) throw new DomainRuleViolation('NOT_A_MEMBER', 'You hold no membership in this pod', 'podId');
      const admission = foldEvents(memberAdmissionDecider, events as unknown as MemberAdmissionEvent[]);
      const rows = (sql: string, params: unknown[]) => query<{ row: Row }>(tx, sql, params).then((found) => found.map(({ row }) => row));
      return {
        format: PERSONAL_DATA_EXPORT_FORMAT,
        generatedAt: now.toISOString(),
        person: { personId: identity.subject },
        member: (await rows('select to_jsonb(m) as row from members m where id = ?', [memberId]))[0] ?? null,
        current: (await this.streams.snapshot(podId, memberId))?.snapshot ?? null,
        joinApplication: admission.application,
        acknowledgedAgreementsVersion: admission.acknowledgedVersion,
        roles: {
          terms: await rows('select to_jsonb(t) as row from role_terms t where member_id = ? order by term_start', [memberId]),
          history: await rows('select to_jsonb(h) as row from role_history h where ? in (member_id, to_member_id, actor_member_id) order by position', [
            memberId,
          ]),
        },
        blocksMade: await rows('select to_jsonb(b) as row from member_blocks b where blocker_member_id = ? order by blocked_at', [memberId]),
        signInSessions: await rows(
          `select jsonb_build_object('sessionId', session_id, 'createdAt', created_at, 'expiresAt', expires_at,
                                     'revokedAt', revoked_at, 'revokedReason', revoked_reason) as row
           from sign_in_sessions where person_id = ? and pod_id = ? order by created_at`,
          [identity.subject, podId],
        ),
        history: events.map((event) => ({ type: event.type, occurredAt: event.metadata.occurredAt, version: event.streamPosition, data: event.data })),
      };
    });
    return { memberId, podId, generatedAt: document.generatedAt, json: JSON.stringify(document) };
  }
}
