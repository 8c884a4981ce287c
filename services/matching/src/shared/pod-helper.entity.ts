import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * Members matching may ask for help, learned from membership's events (never from its tables). The
 * other columns (profile, boundaries, pause, load) are kept in SQL by the track-* handlers and the suggestions
 * projection, and read by the candidate search.
 */
export interface PodHelper {
  memberId: string;
  podId: string;
  joinedAt: Date;
}

export const PodHelperSchema = new EntitySchema<PodHelper>({
  name: 'PodHelper',
  tableName: 'pod_helpers',
  properties: {
    memberId: { type: 'uuid', primary: true, fieldName: 'member_id' },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    joinedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'joined_at' },
  },
});
