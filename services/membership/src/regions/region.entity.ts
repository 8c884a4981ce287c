import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model of regions. Regions are shared by their pods, so this table has no pod scope. */
export interface RegionView {
  id: string;
  name: string;
  slug: string;
  createdAt: Date;
}

export const RegionViewSchema = new EntitySchema<RegionView>({
  name: 'RegionView',
  tableName: 'regions',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    slug: { type: 'text', unique: true },
    createdAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'created_at' },
  },
});
