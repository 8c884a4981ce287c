import { randomUUID } from 'node:crypto';
import {
  MemberJoinedV1,
  MemberProfileChangedV1,
  PodCreatedV1,
  PodJoinedRegionV1,
  PodLeftRegionV1,
  PodSettingsChangedV1,
  RequestEscalatedV1,
  RequestPostedV1,
  memberIdFor,
  type RequestEscalatedV1Data,
} from '@mutuo/contracts';
import { encodeGeohash } from '@mutuo/domain';
import { createLogger } from '@mutuo/platform';
import { ManualClock, natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { EntityManager } from '@mikro-orm/postgresql';
import { EscalateUnmatchedRequestsScheduler } from '../src/escalation/escalate-unmatched-requests.scheduler';
import { matchingOptionsFrom } from '../src/matching.options';
import { matchingService } from '../src/matching.service';
import { SuggestHelpersService } from '../src/shared/suggest-helpers.service';
import { MatchingTestBus } from './matching-test-bus';
import { squareAround } from './service-area';

const REGION = 'test-region';
jest.setTimeout(60_000);

interface MySuggestion {
  requestId: string;
  status: string;
  withdrawReason: string | null;
}

/**
 * A pod leaving its region, heard over JetStream as membership publishes it: escalation stops at the new boundary in
 * both directions, the helpers on the other side see why their suggestion went, and joining another region makes the
 * pod a neighbour there.
 */
describe('a pod leaves its region (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  const bus = new MatchingTestBus(prefix, REGION);
  const [regionId, otherRegionId] = [randomUUID(), randomUUID()];
  const [podA, podB, podC] = [randomUUID(), randomUUID(), randomUUID()];
  const person = (name: string) => `person-${name}`;
  const member = (pod: string, name: string) => memberIdFor(pod, person(name));
  const graça = { lat: 38.7167, lon: -9.1307 };
  const t0 = Date.now();
  const clock = new ManualClock(t0);
  let scheduler: EscalateUnmatchedRequestsScheduler;

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, {
      databasePrefix: 'matching_pod_leaves',
      appRole: 'mutuo_matching_app',
      env: { REGION, MATCHING_ESCALATION_ENABLED: 'false' },
      natsPrefix: prefix,
    });
    await bus.open([RequestEscalatedV1]);
    const app = sut.service.app;
    scheduler = new EscalateUnmatchedRequestsScheduler(
      app.get(EntityManager),
      app.get(SuggestHelpersService),
      clock,
      matchingOptionsFrom({ MATCHING_ESCALATION_ENABLED: 'false' }),
      createLogger('matching', 'silent'),
    );
    const pods: [string, number, number][] = [
      [podA, graça.lat, graça.lon],
      [podB, 38.73, -9.14],
      [podC, 38.74, -9.15],
    ];
    for (const [podId, lat, lon] of pods) {
      await bus.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
        podId,
        regionId,
        name: `Pod ${podId.slice(0, 4)}`,
        languages: ['pt'],
        timezone: 'Europe/Lisbon',
        serviceArea: squareAround(lat, lon),
      });
      await bus.publish(PodSettingsChangedV1, `pod:${podId}:${podId}`, podId, {
        podId,
        requestVisibility: 'pod',
        escalateToNeighbours: true,
        admissionMode: 'open',
        changedAt: new Date(t0).toISOString(),
      });
    }
    const people: [string, string, string[]][] = [
      [podA, 'ana', ['groceries']],
      [podB, 'eva', ['medical']],
      [podC, 'fil', ['medical']],
    ];
    for (const [podId, name, skills] of people) {
      const memberId = member(podId, name);
      await bus.publish(MemberJoinedV1, `member:${podId}:${memberId}`, podId, {
        memberId,
        podId,
        personId: person(name),
        displayName: name,
        preferredLanguage: 'pt',
      });
      await bus.publish(MemberProfileChangedV1, `member:${podId}:${memberId}`, podId, {
        memberId,
        podId,
        languages: ['pt'],
        skills,
        locationCell: encodeGeohash(graça, 6),
        changedAt: new Date(t0).toISOString(),
      });
    }
    await waitFor(async () => (await adminQuery<{ n: number }>('select count(*)::int as n from helper_search'))[0]!.n === 3, {
      description: 'matching to know every helper',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await adminQuery<{ n: number }>('select count(*)::int as n from matching_pods where escalate_to_neighbours'))[0]!.n === 3, {
      description: 'matching to know every pod',
      timeoutMs: 20_000,
    });
  }, 90_000);

  afterAll(async () => {
    await bus.close();
    await sut?.stop();
  });

  const adminQuery = <Row>(sql: string, params?: unknown[]) => queryDatabase<Row>(sut.db.adminUrl, sql, params);

  async function mySuggestions(pod: string, name: string): Promise<MySuggestion[]> {
    const result = await sut.graphql<{ suggestionsForMe: MySuggestion[] }>(
      await sut.token(person(name), pod, ['member']),
      '{ suggestionsForMe(includeAnswered: true) { requestId status withdrawReason } }',
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.suggestionsForMe;
  }

  /** An emergency of pod A nobody there can take, escalated by a scan past its 30-minute deadline. */
  async function escalatedEmergency(minutes: number): Promise<RequestEscalatedV1Data> {
    const requestId = randomUUID();
    const postedAt = clock.now();
    await bus.publish(RequestPostedV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      requesterMemberId: member(podA, 'ana'),
      title: 'Medicamentos',
      category: 'medical',
      urgency: 'emergency',
      postedAt: postedAt.toISOString(),
      locationCell: encodeGeohash(graça, 6),
      language: 'pt',
    });
    await waitFor(async () => (await adminQuery('select 1 from request_matching where request_id = $1', [requestId])).length > 0, {
      description: 'the request to be evaluated',
      timeoutMs: 15_000,
    });
    clock.set(postedAt.getTime() + minutes * 60_000);
    expect(await scheduler.runOnce()).toMatchObject({ failed: 0 });
    return waitFor(() => bus.published<RequestEscalatedV1Data>(RequestEscalatedV1).find((e) => e.requestId === requestId), {
      description: 'request-escalated on NATS',
      timeoutMs: 15_000,
    });
  }

  it("withdraws the region's escalations to a pod that left, tells its helpers why, and escalates past it from then on", async () => {
    const first = await escalatedEmergency(31);
    expect([...first.toPodIds].sort()).toEqual([podB, podC].sort());
    await waitFor(async () => (await mySuggestions(podB, 'eva')).find((s) => s.requestId === first.requestId && s.status === 'OPEN'), {
      description: "Eva's escalated suggestion",
      timeoutMs: 15_000,
    });

    await bus.publish(PodLeftRegionV1, `pod:${podB}:${podB}`, podB, { podId: podB, regionId, leftAt: clock.now().toISOString() });
    const evas = await waitFor(async () => (await mySuggestions(podB, 'eva')).find((s) => s.requestId === first.requestId && s.status === 'WITHDRAWN'), {
      description: "Eva's suggestion withdrawn",
      timeoutMs: 15_000,
    });
    expect(evas.withdrawReason).toBe('POD_LEFT_REGION');
    // Fil's pod is still a neighbour: his suggestion stands.
    expect((await mySuggestions(podC, 'fil')).find((s) => s.requestId === first.requestId)).toMatchObject({ status: 'OPEN', withdrawReason: null });
    expect(await adminQuery('select escalated_to from tracked_requests where request_id = $1', [first.requestId])).toEqual([{ escalated_to: [podC] }]);

    const second = await escalatedEmergency(31);
    expect(second.toPodIds).toEqual([podC]);
  });

  it("ends a leaving pod's own escalations, and makes it a neighbour in the region it joins", async () => {
    const own = await escalatedEmergency(31);
    expect(own.toPodIds).toEqual([podC]);
    await waitFor(async () => (await mySuggestions(podC, 'fil')).find((s) => s.requestId === own.requestId && s.status === 'OPEN'), {
      description: "Fil's escalated suggestion",
      timeoutMs: 15_000,
    });

    await bus.publish(PodLeftRegionV1, `pod:${podA}:${podA}`, podA, { podId: podA, regionId, leftAt: clock.now().toISOString() });
    const fils = await waitFor(async () => (await mySuggestions(podC, 'fil')).find((s) => s.requestId === own.requestId && s.status === 'WITHDRAWN'), {
      description: "Fil's suggestion withdrawn",
      timeoutMs: 15_000,
    });
    expect(fils.withdrawReason).toBe('POD_LEFT_REGION');
    await waitFor(
      async () =>
        (await adminQuery<{ escalated_at: Date | null }>('select escalated_at from tracked_requests where request_id = $1', [own.requestId]))[0]!
          .escalated_at === null,
      {
        description: 'the escalation to end',
        timeoutMs: 15_000,
      },
    );
    // Outside any region there is nobody to escalate to.
    expect(await scheduler.runOnce()).toMatchObject({ escalated: 0, failed: 0 });

    // Pods A and B join the other region: A's unmatched request goes to B there, and only to B.
    for (const podId of [podB, podA]) {
      await bus.publish(PodJoinedRegionV1, `pod:${podId}:${podId}`, podId, { podId, regionId: otherRegionId, joinedAt: clock.now().toISOString() });
    }
    await waitFor(
      async () => (await adminQuery<{ n: number }>('select count(*)::int as n from matching_pods where region_id = $1', [otherRegionId]))[0]!.n === 2,
      {
        description: 'A and B to be neighbours in the other region',
        timeoutMs: 15_000,
      },
    );
    expect(await scheduler.runOnce()).toMatchObject({ failed: 0 });
    const again = await waitFor(
      () => bus.published<RequestEscalatedV1Data>(RequestEscalatedV1).filter((e) => e.requestId === own.requestId && e.regionId === otherRegionId)[0],
      { description: 'the request escalated in the new region', timeoutMs: 15_000 },
    );
    expect(again.toPodIds).toEqual([podB]);
  });
});
