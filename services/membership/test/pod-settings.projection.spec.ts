import { randomUUID } from 'node:crypto';
import { streamName } from '@mutuo/event-store';
import { projectionScenario } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';
import { podSettingsProjection } from '../src/pod-admission/pod-settings/pod-settings.projection';

describe('pod-settings projection (real PostgreSQL)', () => {
  const scenario = projectionScenario(podSettingsProjection, { service: membershipService });
  beforeAll(() => scenario.open());
  afterAll(() => scenario.close());

  it("keeps each pod's latest settings, join questions included", async () => {
    const podId = randomUUID();
    const stream = streamName('pod-settings', podId, podId);
    const questions = [{ id: 'why', text: 'Why do you want to join?' }];
    await scenario.given([
      {
        stream,
        type: 'PodSettingsChanged',
        data: { podId, requestVisibility: 'region', escalateToNeighbours: true, admissionMode: 'application', joinQuestions: questions },
      },
      {
        stream,
        type: 'PodSettingsChanged',
        data: { podId, requestVisibility: 'pod', escalateToNeighbours: false, admissionMode: 'invite-code', joinQuestions: questions },
        metadata: { occurredAt: '2026-12-01T10:00:00.000Z' },
      },
    ]);

    await scenario.thenRows(
      `select request_visibility, escalate_to_neighbours, admission_mode, join_questions, updated_at = '2026-12-01T10:00:00Z' as updated_by_last
       from pod_settings where pod_id = $1`,
      [podId],
      [{ request_visibility: 'pod', escalate_to_neighbours: false, admission_mode: 'invite-code', join_questions: questions, updated_by_last: true }],
    );
  });
});
