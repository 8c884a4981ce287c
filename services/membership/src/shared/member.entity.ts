import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model of pod members. */
export interface MemberView {
  id: string;
  podId: string;
  personId: string;
  displayName: string;
  preferredLanguage: string;
  joinedAt: Date;
  /** 'former' once they left the pod. */
  status: 'active' | 'former';
  leftAt: Date | null;
}

export const MemberViewSchema = new EntitySchema<MemberView>({
  name: 'MemberView',
  tableName: 'members',
  properties: {
    id: { type: 'uuid', primary: true },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    personId: { type: 'text', fieldName: 'person_id' },
    displayName: { type: 'text', fieldName: 'display_name' },
    preferredLanguage: { type: 'text', fieldName: 'preferred_language' },
    joinedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'joined_at' },
    status: { type: 'text' },
    leftAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'left_at', nullable: true },
  },
});
