import { EntitySchema } from '@mikro-orm/postgresql';

/** What notifications needs to know about a member to write to them, learned from membership's events. */
export interface Recipient {
  memberId: string;
  podId: string;
  displayName: string;
  preferredLanguage: string;
}

export const RecipientSchema = new EntitySchema<Recipient>({
  name: 'Recipient',
  tableName: 'recipients',
  properties: {
    memberId: { type: 'uuid', primary: true, fieldName: 'member_id' },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    displayName: { type: 'text', fieldName: 'display_name' },
    preferredLanguage: { type: 'text', fieldName: 'preferred_language' },
  },
});
