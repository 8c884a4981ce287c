import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model of pods. `podId` equals `id`; it is the column row-level security filters on. */
export interface PodView {
  id: string;
  podId: string;
  regionId: string;
  name: string;
  languages: string[];
  timezone: string;
  createdAt: Date;
}

export const PodViewSchema = new EntitySchema<PodView>({
  name: 'PodView',
  tableName: 'pods',
  properties: {
    id: { type: 'uuid', primary: true },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    regionId: { type: 'uuid', fieldName: 'region_id' },
    name: { type: 'text' },
    languages: { type: 'json', columnType: 'jsonb' },
    timezone: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'created_at' },
  },
});
