import { randomUUID } from 'node:crypto';
import { streamName } from '@mutuo/event-store';
import { projectionScenario } from '@mutuo/testing';
import { fundsService } from '../src/funds.service';
import { roleHoldersProjection } from '../src/pod-roles/role-holders.projection';

describe('funds-role-holders projection (real PostgreSQL)', () => {
  const scenario = projectionScenario(roleHoldersProjection, { service: fundsService });
  beforeAll(() => scenario.open());
  afterAll(() => scenario.close());

  const podId = randomUUID();
  const roles = streamName('pod-roles', podId, podId);
  const term = (memberId: string, role: 'treasurer' | 'coordinator') => ({ podId, termId: randomUUID(), memberId, role });

  it('keeps a row per held term and drops it when the term ends', async () => {
    const ana = term(randomUUID(), 'treasurer');
    const bo = term(randomUUID(), 'coordinator');
    await scenario.given([
      { stream: roles, type: 'PodRoleHeld', data: ana },
      { stream: roles, type: 'PodRoleHeld', data: bo },
      { stream: roles, type: 'PodRoleEnded', data: ana },
    ]);

    await scenario.thenRows(
      'select term_id, member_id, role from funds_role_holders where pod_id = $1 order by term_id',
      [podId],
      [{ term_id: bo.termId, member_id: bo.memberId, role: 'coordinator' }],
    );
  });

  it('rebuilds the same rows from the events', async () => {
    const before = await scenario.rows('select * from funds_role_holders order by term_id');
    await scenario.rebuild();
    expect(await scenario.rows('select * from funds_role_holders order by term_id')).toEqual(before);
    expect(before).not.toHaveLength(0);
  });
});
