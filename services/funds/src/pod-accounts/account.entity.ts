import { EntitySchema } from '@mikro-orm/postgresql';

/** Read model: a pod's accounts and balances. Amounts are integer minor units (cents, minutes). */
export interface AccountView {
  id: string;
  podId: string;
  kind: string;
  unit: string;
  balanceMinor: string;
  floorMinor: string;
  openedAt: Date;
}

export const AccountViewSchema = new EntitySchema<AccountView>({
  name: 'AccountView',
  tableName: 'accounts',
  properties: {
    id: { type: 'uuid', primary: true },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    kind: { type: 'text' },
    unit: { type: 'text' },
    balanceMinor: { type: 'bigint', fieldName: 'balance_minor' },
    floorMinor: { type: 'bigint', fieldName: 'floor_minor' },
    openedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'opened_at' },
  },
});
