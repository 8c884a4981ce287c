import { randomUUID } from 'node:crypto';
import { streamName } from '@mutuo/event-store';
import { projectionScenario } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';
import { podMatchingSettingsProjection } from '../src/pod-settings/pod-matching-settings.projection';

describe('pod-matching-settings projection (real PostgreSQL)', () => {
  const scenario = projectionScenario(podMatchingSettingsProjection, { service: matchingService });
  beforeAll(() => scenario.open());
  afterAll(() => scenario.close());

  it("keeps each pod's latest escalation deadlines", async () => {
    const podA = randomUUID();
    const podB = randomUUID();
    const set = (podId: string, emergencyMinutes: number, urgentMinutes: number, normalMinutes: number) => ({
      stream: streamName('pod-matching-settings', podId, podId),
      type: 'EscalationDeadlinesSet' as const,
      data: { podId, emergencyMinutes, urgentMinutes, normalMinutes, setAt: new Date().toISOString() },
    });
    await scenario.given([set(podA, 10, 60, 600), set(podB, 20, 120, 1440), set(podA, 15, 90, 720)]);

    await scenario.thenRows(
      `select pod_id, emergency_deadline_minutes, urgent_deadline_minutes, normal_deadline_minutes
       from matching_pods where pod_id in ($1, $2) order by emergency_deadline_minutes`,
      [podA, podB],
      [
        { pod_id: podA, emergency_deadline_minutes: 15, urgent_deadline_minutes: 90, normal_deadline_minutes: 720 },
        { pod_id: podB, emergency_deadline_minutes: 20, urgent_deadline_minutes: 120, normal_deadline_minutes: 1440 },
      ],
    );
  });
});
