import { EntitySchema } from '@mikro-orm/postgresql';

/** The core columns of the request_details read model, for MikroORM; the projection and queries use SQL over all of them. */
export interface RequestDetails {
  id: string;
  podId: string;
  requesterMemberId: string;
  title: string;
  description: string;
  language: string;
  category: string;
  urgency: string;
  status: string;
  postedAt: Date;
  /** Stream version last applied, so a replayed event never moves the row backwards. */
  version: number;
}

export const RequestDetailsSchema = new EntitySchema<RequestDetails>({
  name: 'RequestDetails',
  tableName: 'request_details',
  properties: {
    id: { type: 'uuid', primary: true },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    requesterMemberId: { type: 'uuid', fieldName: 'requester_member_id' },
    title: { type: 'text' },
    description: { type: 'text' },
    language: { type: 'text' },
    category: { type: 'text' },
    urgency: { type: 'text' },
    status: { type: 'text' },
    postedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'posted_at' },
    version: { type: 'integer' },
  },
});
