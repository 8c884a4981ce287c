import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import type { JoinAnswer } from '../../domain/member-admission.decider';
import { decodeCursor, toConnection, type Connection } from '../../shared/keyset-page';
import type { InviteCodeView } from './invite-codes.handler';
import type { JoinApplicationView } from './member-admission.handler';

export type JoinApplicationStatus = 'pending' | 'approved' | 'declined';

interface InviteCodeRow {
  code_id: string;
  label: string | null;
  expires_at: Date | string;
  max_uses: number;
  uses: number;
  revoked_at: Date | string | null;
  created_at: Date | string;
}

interface JoinApplicationRow {
  member_id: string;
  pod_id: string;
  display_name: string;
  preferred_language: string;
  answers: JoinAnswer[];
  agreements_version: number | null;
  status: JoinApplicationStatus;
  decline_reason: string | null;
  submitted_at: Date | string;
  decided_at: Date | string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** Invite codes and applications to join, for the pod's coordinators, oldest first, read inside the pod. */
@Injectable()
export class MemberAdmissionQueries {
  constructor(private readonly em: EntityManager) {}

  inviteCodes(podId: string, first: number, after?: string | null): Promise<Connection<InviteCodeView>> {
    const cursor = decodeCursor(after);
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await query<InviteCodeRow>(
        tx,
        `select code_id, label, expires_at, max_uses, uses, revoked_at, created_at from invite_codes
         where pod_id = ? and (?::timestamptz is null or (created_at, code_id) > (?::timestamptz, ?::uuid))
         order by created_at, code_id limit ?`,
        [podId, cursor?.[0] ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, first + 1],
      );
      return toConnection(
        rows,
        first,
        (row) => [iso(row.created_at), row.code_id],
        (row) => ({
          id: row.code_id,
          label: row.label,
          expiresAt: iso(row.expires_at),
          maxUses: row.max_uses,
          uses: row.uses,
          revoked: row.revoked_at !== null,
          createdAt: iso(row.created_at),
        }),
      );
    });
  }

  joinApplications(podId: string, status: JoinApplicationStatus, first: number, after?: string | null): Promise<Connection<JoinApplicationView>> {
    const cursor = decodeCursor(after);
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await query<JoinApplicationRow>(
        tx,
        `select member_id, pod_id, display_name, preferred_language, answers, agreements_version, status, decline_reason, submitted_at, decided_at
         from join_applications
         where pod_id = ? and status = ? and (?::timestamptz is null or (submitted_at, member_id) > (?::timestamptz, ?::uuid))
         order by submitted_at, member_id limit ?`,
        [podId, status, cursor?.[0] ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, first + 1],
      );
      return toConnection(
        rows,
        first,
        (row) => [iso(row.submitted_at), row.member_id],
        (row) => ({
          id: row.member_id,
          podId: row.pod_id,
          status: row.status,
          displayName: row.display_name,
          preferredLanguage: row.preferred_language,
          answers: row.answers,
          agreementsVersion: row.agreements_version,
          submittedAt: iso(row.submitted_at),
          decidedAt: isoOrNull(row.decided_at),
          declineReason: row.decline_reason,
        }),
      );
    });
  }
}
