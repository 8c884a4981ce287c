import { EntitySchema } from '@mikro-orm/postgresql';
import type { GeoPolygon } from '@mutuo/domain';

/** Read model of pods. `podId` equals `id`; it is the column row-level security filters on. */
export interface PodView {
  id: string;
  podId: string;
  /** Null once the pod has left its region. */
  regionId: string | null;
  name: string;
  languages: string[];
  timezone: string;
  /** What the pod said about itself when it applied; null for pods operators created directly. */
  description: string | null;
  serviceArea: GeoPolygon | null;
  createdAt: Date;
  leftRegionAt: Date | null;
}

export const PodViewSchema = new EntitySchema<PodView>({
  name: 'PodView',
  tableName: 'pods',
  properties: {
    id: { type: 'uuid', primary: true },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    regionId: { type: 'uuid', fieldName: 'region_id', nullable: true },
    name: { type: 'text' },
    languages: { type: 'json', columnType: 'jsonb' },
    timezone: { type: 'text' },
    description: { type: 'text', nullable: true },
    serviceArea: { type: 'json', columnType: 'jsonb', fieldName: 'service_area', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'created_at' },
    leftRegionAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'left_region_at', nullable: true },
  },
});
