import { randomUUID } from 'node:crypto';
import { PodCreatedV1, RequestPostedV1, memberIdFor } from '@mutuo/contracts';
import { onStatement } from '@mutuo/event-store';
import { natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';
import { MatchingTestBus } from './matching-test-bus';

const REGION = 'test-region';
const PAGE = 20;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Request { id matching { state candidateCount } suggestions { id } match { id } } }
}`;
/** What a page's Request fields read: statuses, suggestions, who asked (to see whom suggestions show to) and matches. */
const READ_MODELS = ['request_matching', 'suggestions_view', 'tracked_requests', 'matches_view'] as const;

type Entities = {
  _entities: { id: string; matching: { state: string; candidateCount: number }; suggestions: { id: string }[]; match: { id: string } | null }[];
};

/**
 * A page of requests through the gateway asks matching for every row's status in one `_entities` call: matching
 * answers it with one read of its read model, in one transaction scoped to the caller's pod (real PostgreSQL and NATS).
 */
describe('Request.matching for a page of references', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  const bus = new MatchingTestBus(prefix, REGION);
  const podId = randomUUID();
  const otherPod = randomUUID();
  const requestIds = Array.from({ length: PAGE }, () => randomUUID());
  const otherPodRequest = randomUUID();

  const post = (pod: string, requestId: string, index: number) =>
    bus.publish(RequestPostedV1, `request:${pod}:${requestId}`, pod, {
      requestId,
      podId: pod,
      requesterMemberId: memberIdFor(pod, 'person-ana'),
      title: `Need ${index}`,
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
      locationCell: 'eycs21',
      language: 'pt',
      anonymous: false,
    });

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, {
      databasePrefix: 'matching_references',
      appRole: 'mutuo_matching_app',
      env: { REGION, MATCHING_ESCALATION_ENABLED: 'false' },
      natsPrefix: prefix,
    });
    await bus.open([]);
    for (const pod of [podId, otherPod]) {
      await bus.publish(PodCreatedV1, `pod:${pod}:${pod}`, pod, {
        podId: pod,
        regionId: randomUUID(),
        name: 'Graça',
        languages: ['pt'],
        timezone: 'Europe/Lisbon',
      });
    }
    for (const [index, requestId] of requestIds.entries()) await post(podId, requestId, index);
    await post(otherPod, otherPodRequest, 0);
    await waitFor(
      async () =>
        (await queryDatabase(sut.db.adminUrl, 'select 1 from request_matching where request_id = any($1::uuid[])', [[...requestIds, otherPodRequest]]))
          .length ===
        PAGE + 1,
      { description: 'matching to have evaluated every request', timeoutMs: 30_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await bus.close();
    await sut?.stop();
  });

  async function entities(ids: readonly string[]): Promise<Entities['_entities']> {
    const result = await sut.graphql<Entities>(await sut.token('person-ana', podId, ['member']), ENTITIES, {
      representations: ids.map((id) => ({ __typename: 'Request', id })),
    });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!._entities;
  }

  /** The statements of the service's pool that read each read model while `work` runs. */
  async function statementsDuring<T>(work: () => Promise<T>): Promise<{ answer: T; reads: Record<string, number> }> {
    const reads: Record<string, number> = Object.fromEntries(READ_MODELS.map((table) => [table, 0]));
    const stop = onStatement(sut.service.orm.em, (sql) => {
      for (const table of READ_MODELS) if (new RegExp(`from "?${table}"?\\s`).test(sql)) reads[table]!++;
    });
    try {
      return { answer: await work(), reads };
    } finally {
      stop();
    }
  }

  it('reads each read model once for a whole page, with the same answer as one reference at a time', async () => {
    const page = await statementsDuring(() => entities(requestIds));
    const oneByOne = await statementsDuring(async () => {
      const answers: Entities['_entities'] = [];
      for (const id of requestIds) answers.push(...(await entities([id])));
      return answers;
    });

    expect(page.reads).toEqual(Object.fromEntries(READ_MODELS.map((table) => [table, 1])));
    expect(oneByOne.reads).toEqual(Object.fromEntries(READ_MODELS.map((table) => [table, PAGE])));
    expect(page.answer).toEqual(oneByOne.answer);
    expect(page.answer.map((request) => request.id)).toEqual(requestIds);
    expect(page.answer.every((request) => request.matching.state === 'NO_CANDIDATES' && request.matching.candidateCount === 0)).toBe(true);
    expect(page.answer.every((request) => request.suggestions.length === 0 && request.match === null)).toBe(true);
  });

  it("answers pending for requests it has not heard of, another pod's and ids that are no UUID, without failing the others", async () => {
    const unknown = randomUUID();
    const answer = await entities([requestIds[0]!, unknown, otherPodRequest, 'not-a-uuid']);

    expect(answer.map((request) => request.matching.state)).toEqual(['NO_CANDIDATES', 'PENDING', 'PENDING', 'PENDING']);
  });
});
