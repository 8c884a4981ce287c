import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { MemberErased } from '../domain/member-erasure.decider';
import { POD_APPLICATION_EVENT_TYPES, type PodApplicationEvent } from '../domain/pod-application.decider';
import { FORMER_MEMBER } from './erasure/personal-data.policy';

/** Pod applications as stewards and applicants read them. Each statement is keyed, so a replay changes nothing. */
export const podApplicationsProjection = defineProjection<PodApplicationEvent | MemberErased>({
  name: 'pod-applications',
  eventTypes: [...POD_APPLICATION_EVENT_TYPES, 'MemberErased'],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'PodApplicationSubmitted': {
        const { applicationId, regionId, applicantPersonId, applicantDisplayName, name, description, languages, timezone, serviceArea } = event.data;
        await query(
          em,
          `insert into pod_applications (pod_id, region_id, applicant_person_id, applicant_display_name, name, description, languages,
             timezone, service_area, status, submitted_at)
           values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, 'pending', ?) on conflict (pod_id) do nothing`,
          [
            applicationId,
            regionId,
            applicantPersonId,
            applicantDisplayName,
            name,
            description,
            JSON.stringify(languages),
            timezone,
            JSON.stringify(serviceArea),
            at,
          ],
        );
        return;
      }
      case 'PodApplicationApproved':
        await query(em, "update pod_applications set status = 'approved', decided_at = ? where pod_id = ?", [at, event.data.applicationId]);
        return;
      case 'PodApplicationDeclined':
        await query(em, "update pod_applications set status = 'declined', decline_reason = ?, decided_at = ? where pod_id = ?", [
          event.data.reason,
          at,
          event.data.applicationId,
        ]);
        return;
      case 'MemberErased':
        // The pod's first member applied for it: once erased, the application no longer says who they were.
        await query(em, 'update pod_applications set applicant_display_name = ? where pod_id = ? and applicant_person_id = ?', [
          FORMER_MEMBER,
          event.data.podId,
          event.data.personId,
        ]);
        return;
      default:
        assertNever(event, 'pod application event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate pod_applications');
  },
});
