import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { DEFAULT_PREFERENCES, type NotificationPreferences } from '../domain/notification-preferences.decider';
import type { QuietHours } from '../domain/delivery-timing';

/** Everything needed to write to one member: language, contacts, boundaries and their notification choices. */
export interface RecipientProfile {
  readonly memberId: string;
  readonly podId: string;
  readonly displayName: string;
  /** Most preferred first: the member's chosen language, then what membership knows, then the pod's. */
  readonly locales: readonly string[];
  readonly timeZone: string;
  readonly email: string | null;
  /** Null too while the number has opted out of SMS (STOP): no message is decided or sent to it. */
  readonly phone: string | null;
  readonly locationCell: string | null;
  readonly quietHours: QuietHours | null;
  readonly paused: boolean;
  readonly erased: boolean;
  readonly preferences: NotificationPreferences;
}

export interface RecipientRow {
  member_id: string;
  pod_id: string;
  display_name: string;
  preferred_language: string;
  languages: string[];
  email: string | null;
  phone: string | null;
  location_cell: string | null;
  quiet_start: string | null;
  quiet_end: string | null;
  timezone: string | null;
  paused: boolean;
  erased_at: Date | null;
  pod_languages: string[] | null;
  pod_timezone: string | null;
  channels: string[] | null;
  digests: NotificationPreferences['digests'] | null;
  language: NotificationPreferences['language'];
  plain_language: boolean | null;
  emergencies_override_quiet_hours: boolean | null;
}

export const RECIPIENT_SELECT = `
  select r.member_id, r.pod_id, r.display_name, r.preferred_language, r.languages, r.email,
         case when exists (select 1 from sms_opt_outs o where o.phone = r.phone) then null else r.phone end as phone, r.location_cell,
         r.quiet_start, r.quiet_end, r.timezone, r.paused, r.erased_at,
         p.languages as pod_languages, p.timezone as pod_timezone,
         np.channels, np.digests, np.language, np.plain_language, np.emergencies_override_quiet_hours
  from recipients r
  left join pods p on p.pod_id = r.pod_id
  left join notification_preferences np on np.member_id = r.member_id`;

export function recipientFromRow(row: RecipientRow): RecipientProfile {
  const timeZone = row.timezone ?? row.pod_timezone ?? 'UTC';
  const preferences: NotificationPreferences = row.channels
    ? {
        channels: row.channels as NotificationPreferences['channels'],
        digests: row.digests ?? {},
        language: row.language,
        plainLanguage: row.plain_language ?? false,
        emergenciesOverrideQuietHours: row.emergencies_override_quiet_hours ?? false,
      }
    : DEFAULT_PREFERENCES;
  return {
    memberId: row.member_id,
    podId: row.pod_id,
    displayName: row.display_name,
    locales: [preferences.language, row.preferred_language, ...row.languages, ...(row.pod_languages ?? [])].filter((tag): tag is string => Boolean(tag)),
    timeZone,
    email: row.email,
    phone: row.phone,
    locationCell: row.location_cell,
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end, timeZone } : null,
    paused: row.paused,
    erased: row.erased_at !== null,
    preferences,
  };
}

/** Reads recipients through the caller's transaction, which is scoped to their pod (row-level security). */
export async function findRecipient(em: EntityManager, memberId: string): Promise<RecipientProfile | null> {
  const [row] = await query<RecipientRow>(em, `${RECIPIENT_SELECT} where r.member_id = ?`, [memberId]);
  return row ? recipientFromRow(row) : null;
}

/** Several members at once, by member id (those notifications knows of). */
export async function findRecipients(em: EntityManager, memberIds: readonly string[]): Promise<Map<string, RecipientProfile>> {
  if (memberIds.length === 0) return new Map();
  const rows = await query<RecipientRow>(em, `${RECIPIENT_SELECT} where r.member_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`, [
    JSON.stringify(memberIds),
  ]);
  return new Map(rows.map((row) => [row.member_id, recipientFromRow(row)]));
}

/** The pod's default language and time zone, for messages to someone notifications knows nothing else about. */
export async function findPodDefaults(em: EntityManager, podId: string | null): Promise<{ languages: string[]; timeZone: string }> {
  if (!podId) return { languages: [], timeZone: 'UTC' };
  const [row] = await query<{ languages: string[]; timezone: string }>(em, 'select languages, timezone from pods where pod_id = ?', [podId]);
  return { languages: row?.languages ?? [], timeZone: row?.timezone ?? 'UTC' };
}

/** Members of a pod holding one of the roles now. */
export async function findRoleHolders(em: EntityManager, podId: string, roles: readonly string[]): Promise<string[]> {
  const rows = await query<{ member_id: string }>(
    em,
    'select distinct member_id from pod_roles where pod_id = ? and role in (select jsonb_array_elements_text(?::jsonb))',
    [podId, JSON.stringify(roles)],
  );
  return rows.map((row) => row.member_id);
}

/** Which of these members are active members of the pod as membership told us: joined, not left, not erased. */
export async function findActivePodMembers(em: EntityManager, podId: string, memberIds: readonly string[]): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await query<{ member_id: string }>(
    em,
    `select member_id from recipients
     where pod_id = ? and left_at is null and erased_at is null and member_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    [podId, JSON.stringify(memberIds)],
  );
  return rows.map((row) => row.member_id);
}
