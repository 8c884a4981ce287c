import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model: a member's in-app inbox. */
export interface InboxNotification {
  id: string;
  podId: string;
  recipientMemberId: string;
  kind: string;
  subjectId: string;
  text: string;
  locale: string;
  channel: string;
  recordedAt: Date;
  readAt: Date | null;
}

export const InboxNotificationSchema = new EntitySchema<InboxNotification>({
  name: 'InboxNotification',
  tableName: 'inbox_notifications',
  properties: {
    id: { type: 'uuid', primary: true },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    recipientMemberId: { type: 'uuid', fieldName: 'recipient_member_id' },
    kind: { type: 'text' },
    subjectId: { type: 'text', fieldName: 'subject_id' },
    text: { type: 'text' },
    locale: { type: 'text' },
    channel: { type: 'text' },
    recordedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'recorded_at' },
    readAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'read_at', nullable: true },
  },
});
