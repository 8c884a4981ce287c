import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import { phoneTreeDecider, type PhoneTreeEvent, type PhoneTreeState } from '../domain/phone-tree.decider';

/** Each pod's phone tree as the dispatcher sees it, with the next deadline the worker watches. */
export const phoneTreesProjection = defineProjection<PhoneTreeEvent>({
  name: 'phone-trees',
  eventTypes: ['PhoneTreeSetUp', 'PhoneTreeActivated', 'PhoneTreeCallAcknowledged', 'PhoneTreeCallMissed', 'PhoneTreeClosed'],

  async apply(em: EntityManager, event) {
    const podId = event.data.podId;
    const [row] = await query<{ tree: PhoneTreeState }>(em, 'select tree from phone_trees where pod_id = ?', [podId]);
    const tree = phoneTreeDecider.evolve(row?.tree ?? phoneTreeDecider.initialState(), event);
    const deadlines = tree.status === 'active' ? tree.calls.filter((call) => call.status === 'called' && call.deadline).map((call) => call.deadline!) : [];
    const nextDeadline = deadlines.length ? deadlines.sort()[0]! : null;
    await query(
      em,
      `insert into phone_trees (pod_id, status, next_deadline, tree) values (?, ?, ?, ?::jsonb)
       on conflict (pod_id) do update set status = excluded.status, next_deadline = excluded.next_deadline, tree = excluded.tree`,
      [podId, tree.status, nextDeadline, JSON.stringify(tree)],
    );
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate phone_trees');
  },
});
