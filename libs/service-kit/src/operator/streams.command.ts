import { hostname } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  applyServiceMessaging,
  connectNats,
  duration,
  serviceMessagingStatus,
  streamsApplyCommand,
  type ApplyOutcome,
  type ConsumerStatus,
  type ServiceMessagingPlan,
  type StreamStatus,
} from '@mutuo/messaging';
import { loadConfig, serviceConfigSchema } from '@mutuo/platform';
import { consumedEventTypes, messagingPlanFor, streamSettingsFromConfig } from '../service-messaging';
import type { OperatorAction, OperatorCommandGroup, OperatorContext } from './operator-command';

/** Connects once, without the service's reconnect-forever policy: an operator wants an answer, not a wait. */
async function withPlan<T>(context: OperatorContext, work: (plan: ServiceMessagingPlan, nc: NatsConnection) => Promise<T>): Promise<T> {
  const { definition, env, io } = context;
  const config = loadConfig(serviceConfigSchema(definition.name, { defaultPort: definition.defaultPort }), env);
  const url = config.NATS_ADMIN_URL ?? config.NATS_URL;
  const nc = await connectNats(url, `${definition.name}-operator@${hostname()}:${process.pid}`, { waitOnFirstConnect: false, maxReconnectAttempts: 0 });
  try {
    const plan = messagingPlanFor(definition, config, nc);
    const settings = streamSettingsFromConfig(config);
    io.err(
      `${definition.name}: prefix ${plan.prefix}, NATS ${nc.info?.version ?? '?'}; wanted: replicas ${settings.replicas}, ` +
        `events ${duration(nanos(settings.maxAgeMs))}, dead letters ${duration(nanos(settings.deadLetterMaxAgeMs))}, ` +
        `${settings.storage} storage, duplicate window ${duration(nanos(settings.duplicateWindowMs))}` +
        (config.NATS_ADMIN_URL ? '' : ' (NATS_ADMIN_URL unset: using NATS_URL)'),
    );
    return await work(plan, nc);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

const ROLE: Record<StreamStatus['role'], string> = { own: 'own', 'dead-letters': 'dead letters', producer: 'read' };

function streamLine(stream: StreamStatus): string {
  const head = `stream    ${stream.name.padEnd(34)} ${ROLE[stream.role].padEnd(12)}`;
  if (!stream.exists) return `${head} MISSING`;
  const facts = [`${stream.messages} messages`, `replicas ${stream.replicas}`, `max age ${stream.maxAge}`, `${stream.storage}`];
  if (stream.leader) facts.push(`leader ${stream.leader}`);
  if (stream.laggingReplicas?.length) facts.push(`replicas not current: ${stream.laggingReplicas.join(',')}`);
  const drift = stream.drift.length ? ` DRIFT ${stream.drift.join(', ')}${stream.role === 'producer' ? ` (owned by ${stream.owner})` : ''};` : ' ok;';
  return `${head}${drift} ${facts.join(', ')}`;
}

function consumerLine(consumer: ConsumerStatus): string {
  const head = `consumer  ${`${consumer.stream}/${consumer.durable}`.padEnd(47)}`;
  if (!consumer.exists) return `${head} MISSING`;
  const facts = `pending ${consumer.pending}, ack pending ${consumer.ackPending}, redelivered ${consumer.redelivered}, waiting pulls ${consumer.waiting}`;
  const problems = [...(consumer.undelivered.length ? [`does not deliver ${consumer.undelivered.join(',')}`] : []), ...consumer.drift];
  return `${head}${problems.length ? ` DRIFT ${problems.join(', ')};` : ' ok;'} ${facts}`;
}

const status: OperatorAction = {
  name: 'status',
  summary: 'each stream and durable consumer the service needs: exists, drift from configuration, messages, pending, redelivered',
  changesData: false,
  run: (context) =>
    withPlan(context, async (plan, nc) => {
      const report = await serviceMessagingStatus(await jetstreamManager(nc), plan);
      report.streams.forEach((stream) => context.io.out(streamLine(stream)));
      report.consumers.forEach((consumer) => context.io.out(consumerLine(consumer)));
      if (report.inLine) return 0;
      context.io.err(`${plan.service}: not in line with configuration and code; ${streamsApplyCommand(plan.service)} fixes what it owns`);
      return 1;
    }),
};

function outcomeLine(outcome: ApplyOutcome): string {
  const detail = outcome.detail.length ? `: ${outcome.detail.join(', ')}` : '';
  return `${outcome.kind.padEnd(9)} ${outcome.name.padEnd(47)} ${outcome.outcome}${detail}`;
}

const apply: OperatorAction = {
  name: 'apply',
  summary: "creates or updates the service's stream, the dead-letter stream and its durable consumers to match configuration and code",
  changesData: true,
  run: (context) =>
    withPlan(context, async (plan, nc) => {
      const outcomes = await applyServiceMessaging(await jetstreamManager(nc), plan);
      outcomes.forEach((outcome) => context.io.out(outcomeLine(outcome)));
      if (!outcomes.some((outcome) => outcome.outcome === 'failed')) return 0;
      if (!context.env['NATS_ADMIN_URL']) context.io.err('Services may not manage streams: set NATS_ADMIN_URL to the provisioning user (docs/operations.md).');
      return 1;
    }),
};

const role: OperatorAction = {
  name: 'role',
  summary: 'what the service publishes and consumes on NATS, as one JSON line (read by npm run nats:permissions)',
  changesData: false,
  run: async ({ definition, io }) => {
    io.out(JSON.stringify({ service: definition.name, consumedTypes: consumedEventTypes(definition) }));
    return 0;
  },
};

/** `mutuo <service> streams status|apply|role` (docs/operations.md, "NATS: streams, consumers, cluster and credentials"). */
export const streamsCommandGroup: OperatorCommandGroup = {
  name: 'streams',
  summary: "the service's JetStream streams and durable consumers: status, apply, role",
  actions: [status, apply, role],
};
