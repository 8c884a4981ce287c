import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model of pod members. */
export interface MemberView {
  id: string;
  podId: string;
  personId: string;
  displayName: string;
  preferredLanguage: string;
  joinedAt: Date;
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
  },
});
