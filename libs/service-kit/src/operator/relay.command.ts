import { advisoryLockKey, OutboxCheckpointStore } from '@mutuo/messaging';
import { query } from '@mutuo/event-store';
import { outboxRelayLockName } from '../service-definition';
import type { OperatorCommandGroup } from './operator-command';
import { withServiceDatabase } from './operator-runtime';
import { printJson, printTable, secondsSince, wantsJson } from './operator-output';

interface RelayRow {
  transaction_id: string;
  global_position: string;
  updated_at: Date | string | null;
}

/** `relay status`: how far the outbox relay has published, what waits, and whether a replica holds the relay lock. */
export const relayCommand: OperatorCommandGroup = {
  name: 'relay',
  summary: 'the outbox relay that publishes appended events to NATS',
  actions: [
    {
      name: 'status',
      usage: 'status [--json]',
      summary: 'checkpoint, events waiting to be published, age of the oldest, whether a replica is relaying',
      changesData: false,
      async run(context) {
        const name = outboxRelayLockName(context.definition.name);
        const status = await withServiceDatabase(context, async (orm) => {
          const em = orm.em.fork();
          const [checkpoint] = await query<RelayRow>(
            em,
            'select transaction_id::text, global_position::text, updated_at from mutuo_outbox_checkpoints where relay = ?',
            [name],
          );
          const pending = await new OutboxCheckpointStore(orm.em, name).countPending();
          const [oldest] = await query<{ recorded_at: Date | string | null }>(
            em,
            `select min(recorded_at) as recorded_at from mutuo_events
             where publish_subject is not null
               and (transaction_id, global_position) > (coalesce(?::xid8, '0'::xid8), coalesce(?::bigint, 0))`,
            [checkpoint?.transaction_id ?? null, checkpoint?.global_position ?? null],
          );
          const key = BigInt.asUintN(64, BigInt(advisoryLockKey(name)));
          const [leader] = await query<{ holders: number }>(
            em,
            `select count(*)::int as holders from pg_locks
             where locktype = 'advisory' and granted and objsubid = 1
               and database = (select oid from pg_database where datname = current_database())
               and classid::bigint = ? and objid::bigint = ?`,
            [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
          );
          return {
            relay: name,
            checkpoint: checkpoint ? { transactionId: checkpoint.transaction_id, globalPosition: checkpoint.global_position } : null,
            lastMovedAt: checkpoint?.updated_at ? new Date(checkpoint.updated_at) : null,
            pendingEvents: pending,
            oldestPendingSeconds: secondsSince(oldest?.recorded_at ? new Date(oldest.recorded_at) : null),
            relaying: (leader?.holders ?? 0) > 0,
          };
        });
        if (wantsJson(context)) {
          printJson(context, status);
        } else {
          printTable(
            context,
            ['relay', 'checkpoint', 'last moved', 'pending', 'oldest pending (s)', 'relaying'],
            [
              [
                status.relay,
                status.checkpoint ? `${status.checkpoint.transactionId}/${status.checkpoint.globalPosition}` : 'none yet',
                status.lastMovedAt?.toISOString() ?? 'never',
                status.pendingEvents,
                status.oldestPendingSeconds ?? '-',
                status.relaying ? 'yes' : 'NO: no replica holds the relay lock',
              ],
            ],
          );
        }
        return 0;
      },
    },
  ],
};
