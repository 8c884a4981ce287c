import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureStreams, eventStreamName } from '@mutuo/messaging';
import { NatsCluster, natsTestPrefix, queryDatabase, raftGroupWhole, storedMessages, waitFor } from '@mutuo/testing';
import { failoverFigures } from './failover-figures';
import { LeaderWatch } from './leader-watch';
import { ServiceProcesses, type RunningServiceProcess } from './service-processes';
import { SteadyLoad } from './steady-load';

/** Commands per second, kept up through the whole run (the machine it runs on is 2 shared cores). */
const RATE = 5;
const BEFORE_KILL_MS = 10_000;
const KILLED_MS = 20_000;
const AFTER_RESTART_MS = 10_000;
/**
 * An event counts as caught up when matching handled it within this long of its append, or within twice the worst
 * lag of the 10 s before the kill when that is longer: on an overloaded machine the steady lag itself exceeds 5 s, and
 * "back to where it was" is what the kill must not break.
 */
const LAG_TARGET_MS = 5_000;
/** After the kill, the lag must be back under its target within this long, and stay there. */
const RECOVERY_LIMIT_MS = 45_000;
const REPLICAS = 3;
const CONSUMER = 'matching';
const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'];

const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cluster path of issue 12: requests and matching run as processes against a real 3-node JetStream cluster with
 * every stream at R=3; requests are posted at a steady rate through requests' subgraph, and the node leading
 * requests' stream is SIGKILLed mid-flow and restarted 20 s later. Every posted request must reach matching's
 * reaction exactly once. 1.5 to 3.5 minutes on a shared 2-core machine: kept out of `npm test`, run with `npm run test:cluster`.
 */
describe('a 3-node NATS cluster losing the leader of the producer stream under load', () => {
  const prefix = natsTestPrefix();
  const podId = randomUUID();
  const requestsStream = eventStreamName(prefix, 'requests');
  const matchingStream = eventStreamName(prefix, 'matching');
  let cluster: NatsCluster | undefined;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager;
  let services: ServiceProcesses | undefined;
  let requests: RunningServiceProcess;
  let matching: RunningServiceProcess;

  /** The explicit provisioning step: every producer's stream (the services read several) and the dead letters. */
  const provision = () => ensureStreams(jsm, { prefix, services: SERVICES, replicas: REPLICAS });

  beforeAll(async () => {
    cluster = await NatsCluster.start({ size: 3 });
    nc = await connect({ servers: cluster.url.split(','), name: 'cluster-test-admin', maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5_000 });
    jsm = await jetstreamManager(nc, { timeout: 10_000 });
    await provision();
    services = new ServiceProcesses({ natsUrl: cluster.url, natsPrefix: prefix });
    requests = await services.start('requests', { REQUEST_EXPIRY_ENABLED: 'false' });
    matching = await services.start('matching', { MATCHING_ESCALATION_ENABLED: 'false' });
    // Until a service start stops resetting the streams it finds (the provisioning change of issue 12), apply again.
    await provision();
    // The load starts once every stream and matching's consumer has its leader and current replicas.
    await waitFor(
      async () =>
        raftGroupWhole(await jsm.streams.info(requestsStream), REPLICAS) &&
        raftGroupWhole(await jsm.streams.info(matchingStream), REPLICAS) &&
        raftGroupWhole(await jsm.consumers.info(requestsStream, CONSUMER), REPLICAS),
      { description: `the streams and matching's consumer to have ${REPLICAS} current replicas`, timeoutMs: 60_000, intervalMs: 250 },
    );
  }, 300_000);

  afterAll(async () => {
    await services?.stop();
    await nc?.close().catch(() => undefined);
    await cluster?.stop();
  }, 60_000);

  it('loses no event, doubles no effect, resumes consuming and catches up within the stated time', async () => {
    const token = await services!.token('person-ana', podId);
    const load = new SteadyLoad(RATE, async (index) => {
      const input = { title: `Groceries ${index}`, language: 'pt', category: 'GROCERIES', location: { point: { lat: 38.7223, lon: -9.1393 } } };
      return (await services!.graphql<{ postRequest: { id: string } }>(requests, token, POST, { input })).postRequest.id;
    });
    load.start();
    await sleep(BEFORE_KILL_MS);

    // The hardest case: the node that leads the stream the relay publishes to.
    const victim = (await cluster!.streamLeader(jsm, requestsStream))!;
    const roles = {
      requestsStreamLeader: victim,
      matchingConsumerLeader: await cluster!.consumerLeader(jsm, requestsStream, CONSUMER),
      metaLeader: await cluster!.metaLeader(),
      matchingStreamLeader: await cluster!.streamLeader(jsm, matchingStream),
    };
    const leaders = new LeaderWatch(await jetstreamManager(nc!, { timeout: 1_000 }), requestsStream);
    const killedAt = Date.now();
    let restartedAt = Number.NaN;
    try {
      await cluster!.kill(victim);
      await sleep(KILLED_MS);
      await cluster!.restart(victim);
      restartedAt = Date.now();
      await sleep(AFTER_RESTART_MS);
    } finally {
      await load.stop();
      await leaders.stop(killedAt);
    }
    const outcomes = load.outcomes;
    const leaderChanges = await leaders.stop(killedAt);

    // Every command succeeded: requests only needs PostgreSQL to answer (the outbox publishes later).
    expect(outcomes.filter((outcome) => !outcome.result.ok)).toEqual([]);
    const requestIds = new Set(outcomes.map((outcome) => (outcome.result.ok ? outcome.result.id : '')));
    expect(requestIds.size).toBe(outcomes.length);
    const posted = await queryDatabase<{ event_id: string; stream_id: string; appended_ms: number }>(
      requests.adminUrl,
      `select event_id, stream_id, extract(epoch from recorded_at) * 1000 as appended_ms from mutuo_events where type = 'RequestPosted'`,
    );
    expect(new Set(posted.map((event) => event.stream_id.split(':')[2]))).toEqual(requestIds);
    expect(posted).toHaveLength(requestIds.size);

    // 0 events lost: matching handled every one (its inbox row commits with its reaction).
    await waitFor(async () => (await countRows(matching, `select count(*)::int as n from mutuo_inbox where consumer = '${CONSUMER}'`)) >= posted.length, {
      description: `matching to handle all ${posted.length} requests`,
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const handled = await queryDatabase<{ event_id: string; handled_ms: number }>(
      matching.adminUrl,
      `select event_id, extract(epoch from processed_at) * 1000 as handled_ms from mutuo_inbox where consumer = $1`,
      [CONSUMER],
    );
    const handledAt = new Map(handled.map((row) => [row.event_id, Number(row.handled_ms)]));
    expect(posted.filter((event) => !handledAt.has(event.event_id))).toEqual([]);
    expect(handled).toHaveLength(posted.length);

    // 0 effects doubled: one round of suggestions per request.
    const rounds = await queryDatabase<{ stream_id: string; n: number }>(
      matching.adminUrl,
      `select stream_id, count(*)::int as n from mutuo_events where type = 'SuggestionsMade' group by stream_id`,
    );
    expect(rounds).toHaveLength(posted.length);
    expect(rounds.filter((round) => round.n !== 1)).toEqual([]);
    expect(await countRows(matching, 'select count(*)::int as n from tracked_requests')).toBe(posted.length);

    // JetStream stored each event once (the relay's Nats-Msg-Id dedupes a publish retried after a lost ack) ...
    const requestMessages = await storedMessages(nc!, requestsStream);
    expect(requestMessages).toHaveLength(posted.length);
    expect(new Set(requestMessages.map((message) => message.msgId))).toEqual(new Set(posted.map((event) => event.event_id)));
    // ... and matching's own events too (two per round: request-evaluated, suggestions-made), published once each.
    const toPublish = await queryDatabase<{ event_id: string }>(matching.adminUrl, 'select event_id from mutuo_events where publish_subject is not null');
    expect(toPublish).toHaveLength(2 * posted.length);
    await waitFor(async () => (await jsm.streams.info(matchingStream)).state.messages >= toPublish.length, {
      description: `matching's ${toPublish.length} events to be published`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const matchingMessages = await storedMessages(nc!, matchingStream);
    expect(matchingMessages).toHaveLength(toPublish.length);
    expect(new Set(matchingMessages.map((message) => message.msgId))).toEqual(new Set(toPublish.map((event) => event.event_id)));

    // The consumer resumed: nothing pending, and the events appended after the restart were handled too.
    const consumer = await jsm.consumers.info(requestsStream, CONSUMER);
    expect(consumer.num_pending).toBe(0);
    expect(consumer.num_ack_pending).toBe(0);
    expect(posted.filter((event) => Number(event.appended_ms) > restartedAt).length).toBeGreaterThan(0);

    const events = posted.map((event) => ({ eventId: event.event_id, appendedAt: Number(event.appended_ms), handledAt: handledAt.get(event.event_id)! }));
    const steadyLagMs = Math.max(0, ...events.filter((event) => event.appendedAt < killedAt).map((event) => event.handledAt - event.appendedAt));
    const lagTargetMs = Math.max(LAG_TARGET_MS, 2 * steadyLagMs);
    const figures = failoverFigures(events, requestMessages, killedAt, lagTargetMs);
    process.stdout.write(
      `[cluster failover] ${JSON.stringify({ killed: victim, roles, leaderChanges, commands: outcomes.length, ratePerSecond: RATE, restartedAfterMs: restartedAt - killedAt, redelivered: consumer.num_redelivered, lagTargetMs, ...figures })}\n`,
    );
    // Lag back under its target within the stated time after the kill.
    expect(figures.lagAfterKill.recoveredAfterMs).toBeLessThan(RECOVERY_LIMIT_MS);

    // Still R=3, with the restarted node a current member of both streams' groups again.
    for (const stream of [requestsStream, matchingStream]) {
      const info = await waitFor(
        async () => {
          const current = await jsm.streams.info(stream);
          const members = [current.cluster?.leader, ...(current.cluster?.replicas ?? []).filter((replica) => replica.current).map((replica) => replica.name)];
          return members.includes(victim) ? current : undefined;
        },
        { description: `${victim} to be a current member of ${stream} again`, timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(info.config.num_replicas).toBe(REPLICAS);
    }
  }, 300_000);
});

async function countRows(service: RunningServiceProcess, sql: string): Promise<number> {
  const [row] = await queryDatabase<{ n: number }>(service.adminUrl, sql);
  return row?.n ?? 0;
}
