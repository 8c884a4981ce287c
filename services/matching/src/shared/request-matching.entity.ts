import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model: where matching stands for each request. */
export interface RequestMatching {
  requestId: string;
  podId: string;
  state: 'candidates-found' | 'no-candidates';
  candidateCount: number;
  evaluatedAt: Date;
}

export const RequestMatchingSchema = new EntitySchema<RequestMatching>({
  name: 'RequestMatching',
  tableName: 'request_matching',
  properties: {
    requestId: { type: 'uuid', primary: true, fieldName: 'request_id' },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    state: { type: 'text' },
    candidateCount: { type: 'integer', fieldName: 'candidate_count' },
    evaluatedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'evaluated_at' },
  },
});
