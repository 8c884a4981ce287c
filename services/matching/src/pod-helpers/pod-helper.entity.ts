import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * Members matching may ask for help, learned from membership's events (never from its tables). The
 * `paused` and `pause_version` columns are kept by track-availability in SQL and read by available-helpers.
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
