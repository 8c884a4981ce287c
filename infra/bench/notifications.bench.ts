/**
 * Notifications: an incident's area broadcast to 10,000 members, half by e-mail through an SMTP sink and half by SMS
 * through a Twilio-style sandbox, against the raw throughput of the same SMTP sink from this process, in the same run.
 * See the "Notifications" section of docs/benchmarks.md.
 *
 *   npm run bench:notifications   a few minutes; rewrites the Notifications results in docs/benchmarks.md
 *
 * Services are separate projects, so this tooling script cannot import them: notifications (after its migrations) runs
 * as a child process on a fresh database and NATS prefix, both removed at the end, also after a failure or Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { IncidentDeclaredV1, PodCreatedV1, type AnyIntegrationEventContract } from '@mutuo/contracts';
import { encodeGeohash, isCellInPolygon, type GeoPolygon } from '@mutuo/domain';
import { dropDatabase, ensureAppRole } from '@mutuo/platform';
import {
  IntegrationEventPublisher,
  TEST_POSTGRES_URL,
  deleteStreamsWithPrefix,
  freePort,
  natsTestPrefix,
  startSmsSandbox,
  startSmtpSink,
  stopChildProcess,
  uniqueSuffix,
  waitFor,
  type SmsSandbox,
  type SmtpSink,
} from '@mutuo/testing';
import { runBenchScriptToEnd, spawnBenchScript, waitUntilChildReady, writeBenchSection } from './bench-child-process';
import { CleanupStack } from './bench-environment';
import { forEachConcurrently, nowMs, percentile } from './statistics';

const ROOT = join(__dirname, '..', '..');
const DOCUMENT = join(ROOT, 'docs', 'benchmarks.md');
const RESULTS_START = '<!-- bench:notifications results start (written by `npm run bench:notifications`) -->';
const RESULTS_END = '<!-- bench:notifications results end -->';

const MEMBERS_IN_AREA = 10_000;
/** Members of the pod outside the incident's area: the broadcast must skip them. */
const MEMBERS_OUTSIDE = 1_000;
const BASELINE_MESSAGES = 5_000;
/** In-flight sendMail calls of the baseline; the pool has as many SMTP connections as the service's (4). */
const BASELINE_IN_FLIGHT = 64;
const WORKER = { concurrency: 8, batch: 1_000 };
const REGION = 'bench';
const AREA: GeoPolygon = {
  type: 'Polygon',
  coordinates: [
    [
      [-9.2, 38.7],
      [-9.1, 38.7],
      [-9.1, 38.8],
      [-9.2, 38.8],
      [-9.2, 38.7],
    ],
  ],
};

interface Results {
  readonly startedAt: Date;
  readonly baselineBefore: number;
  readonly baselineAfter: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly emails: number;
  readonly sms: number;
  readonly latency: { p50: number; p95: number; p99: number };
  readonly receipts: number;
  readonly deliveriesSent: number;
}

async function main(): Promise<void> {
  const cleanup = new CleanupStack();
  const stop = () => void cleanup.run().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const results = await measure(cleanup);
    const section = render(results);
    process.stdout.write(`\n${section}\n`);
    writeBenchSection(DOCUMENT, { start: RESULTS_START, end: RESULTS_END }, METHOD, section);
    process.stdout.write(`\nWrote the Notifications results to ${DOCUMENT}\n`);
  } finally {
    await cleanup.run();
  }
}

/** Messages per second the SMTP sink takes from a nodemailer pool in this process: the ceiling for e-mail. */
async function rawSmtpThroughput(sink: SmtpSink): Promise<number> {
  const transport = createTransport({ url: sink.url, pool: true, maxConnections: 4 } as Parameters<typeof createTransport>[0]);
  try {
    const before = sink.acceptedAt.length;
    const start = nowMs();
    await forEachConcurrently(BASELINE_MESSAGES, BASELINE_IN_FLIGHT, async (index) => {
      await transport.sendMail({
        from: 'Mutuo <no-reply@mutuo.localhost>',
        to: `baseline${index}@bench.example`,
        subject: 'Emergency: Flood in the bench area',
        text: 'An emergency was declared in your area. Follow official instructions.',
        html: '<p>An emergency was declared in your area. Follow official instructions.</p>',
      });
    });
    const seconds = (nowMs() - start) / 1000;
    if (sink.acceptedAt.length - before !== BASELINE_MESSAGES) throw new Error('the sink did not take every baseline message');
    return BASELINE_MESSAGES / seconds;
  } finally {
    transport.close();
  }
}

async function measure(cleanup: CleanupStack): Promise<Results> {
  const startedAt = new Date();
  const sink = await startSmtpSink({ parse: false });
  cleanup.defer('stop SMTP sink', () => sink.close());
  const sms = await startSmsSandbox();
  cleanup.defer('stop SMS sandbox', () => sms.close());

  // Warm-up, then the baseline before the broadcast (and again after it).
  await rawSmtpThroughput(sink);
  const baselineBefore = await rawSmtpThroughput(sink);
  process.stdout.write(`raw SMTP sink: ${baselineBefore.toFixed(0)} messages/s\n`);

  const { admin, natsPrefix } = await startNotifications(cleanup, sink, sms);
  const podId = randomUUID();
  await seedMembers(admin, podId);
  process.stdout.write(`seeded ${MEMBERS_IN_AREA + MEMBERS_OUTSIDE} members\n`);

  const publisher = await IntegrationEventPublisher.connect(natsPrefix, REGION);
  cleanup.defer('close NATS', () => publisher.close());
  const publish = (contract: AnyIntegrationEventContract, streamId: string, data: unknown) => publisher.publish(contract, podId, streamId, data);
  await publish(PodCreatedV1, `pod:${podId}:${podId}`, { podId, regionId: randomUUID(), name: 'Bench pod', languages: ['en'], timezone: 'Europe/Lisbon' });
  await waitFor(async () => ((await admin<{ n: number }>('select count(*)::int as n from pods'))[0]!.n === 1 ? true : undefined), {
    description: 'the pod known',
    timeoutMs: 30_000,
  });

  const emailsBefore = sink.acceptedAt.length;
  const incidentId = randomUUID();
  const published = Date.now();
  await publish(IncidentDeclaredV1, `incident:${podId}:${incidentId}`, {
    incidentId,
    podId,
    regionId: null,
    name: 'Flood in the bench area',
    type: 'flood',
    area: AREA,
    startedAt: new Date().toISOString(),
    declaredByMemberId: randomUUID(),
    declaredAt: new Date().toISOString(),
  });
  const delivered = () => sink.acceptedAt.length - emailsBefore + sms.acceptedAt.length;
  let lastReport = 0;
  await waitFor(
    () => {
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        process.stdout.write(`  ${delivered()} of ${MEMBERS_IN_AREA} delivered after ${((Date.now() - published) / 1000).toFixed(0)} s\n`);
      }
      return delivered() >= MEMBERS_IN_AREA ? true : undefined;
    },
    { description: `${MEMBERS_IN_AREA} deliveries`, timeoutMs: 30 * 60_000, intervalMs: 100 },
  );
  const times = [...sink.acceptedAt.slice(emailsBefore), ...sms.acceptedAt].map((at) => at - published).sort((a, b) => a - b);
  // Nothing more than one message per member, on one channel.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  if (delivered() !== MEMBERS_IN_AREA) throw new Error(`expected ${MEMBERS_IN_AREA} deliveries, got ${delivered()}`);
  const receiptsDeadline = Date.now() + 60_000;
  while (sms.receiptsAccepted < sms.messages.length && Date.now() < receiptsDeadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const [sent] = await admin<{ n: number }>(`select count(*)::int as n from deliveries where status = 'sent'`);

  const baselineAfter = await rawSmtpThroughput(sink);
  return {
    startedAt,
    baselineBefore,
    baselineAfter,
    firstMs: times[0]!,
    lastMs: times[times.length - 1]!,
    emails: sink.acceptedAt.length - emailsBefore - BASELINE_MESSAGES,
    sms: sms.acceptedAt.length,
    latency: { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) },
    receipts: sms.receiptsAccepted,
    deliveriesSent: sent!.n,
  };
}

async function startNotifications(cleanup: CleanupStack, sink: SmtpSink, sms: SmsSandbox) {
  const suffix = uniqueSuffix();
  const natsPrefix = natsTestPrefix();
  const database = `mutuo_bench_notifications_${suffix}`;
  const port = await freePort();
  const adminUrl = new URL(TEST_POSTGRES_URL);
  adminUrl.pathname = `/${database}`;
  const appUrl = new URL(adminUrl.toString());
  appUrl.username = 'mutuo_notifications_app';
  appUrl.password = '';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: `bench-${randomUUID()}`,
    GATEWAY_SHARED_SECRET: `bench-gateway-${randomUUID()}`,
    PORT: String(port),
    REGION,
    DATABASE_ADMIN_URL: adminUrl.toString(),
    DATABASE_URL: appUrl.toString(),
    NATS_PREFIX: natsPrefix,
    NOTIFICATIONS_PUBLIC_URL: `http://127.0.0.1:${port}`,
    NOTIFICATIONS_SMTP_URL: sink.url,
    NOTIFICATIONS_SMS_API_URL: sms.url,
    NOTIFICATIONS_SMS_ACCOUNT_SID: sms.accountSid,
    NOTIFICATIONS_SMS_AUTH_TOKEN: sms.authToken,
    NOTIFICATIONS_SMS_FROM: '+351210000000',
    NOTIFICATIONS_WORKER_INTERVAL_MS: '100',
    NOTIFICATIONS_WORKER_CONCURRENCY: String(WORKER.concurrency),
    NOTIFICATIONS_WORKER_BATCH_SIZE: String(WORKER.batch),
  };
  cleanup.defer(`drop database ${database}`, () => dropDatabase(TEST_POSTGRES_URL, database));
  cleanup.defer(`delete streams ${natsPrefix}*`, () => deleteStreamsWithPrefix(natsPrefix));
  await ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: 'mutuo_notifications_app' });
  await runBenchScriptToEnd('notifications migrations', 'services/notifications/src/migrate.ts', env);
  const service = spawnBenchScript('notifications', 'services/notifications/src/main.ts', env);
  cleanup.defer('stop notifications', () => stopChildProcess(service.process));
  await waitUntilChildReady(service, `http://127.0.0.1:${port}/health/ready`);
  const admin = async <Row>(sql: string, params: unknown[] = []): Promise<Row[]> => {
    const client = new Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  return { admin, natsPrefix };
}

/**
 * The members notifications already knows (its copies of membership's events), written directly: seeding them through
 * 33,000 events would measure the consumer, not the broadcast. Half have only an e-mail address, half only a phone.
 */
async function seedMembers(admin: <Row>(sql: string, params?: unknown[]) => Promise<Row[]>, podId: string): Promise<void> {
  const ids: string[] = [];
  const emails: (string | null)[] = [];
  const phones: (string | null)[] = [];
  const cells: string[] = [];
  for (let index = 0; index < MEMBERS_IN_AREA + MEMBERS_OUTSIDE; index++) {
    const inside = index < MEMBERS_IN_AREA;
    // Spread over the area's cells, a cell's width away from its edges (inside), or a strip east of it (outside).
    const lat = 38.71 + (((index * 7919) % 997) / 997) * 0.08;
    const lon = inside ? -9.19 + (((index * 104_729) % 991) / 991) * 0.08 : -9.05 + (index % 100) / 1_000;
    const cell = encodeGeohash({ lat, lon }, 6);
    // A member counts as in the area when their cell's centre is: the seed must agree with the broadcast's rule.
    if (isCellInPolygon(cell, AREA) !== inside) throw new Error(`seed cell ${cell} is on the wrong side of the area`);
    ids.push(randomUUID());
    emails.push(index % 2 === 0 ? `member${index}@bench.example` : null);
    phones.push(index % 2 === 1 ? `+3519${String(index).padStart(8, '0')}` : null);
    cells.push(cell);
  }
  await admin(
    `insert into recipients (member_id, pod_id, display_name, preferred_language, email, phone, location_cell, timezone)
     select id, $1, 'Member', 'en', email, phone, cell, 'Europe/Lisbon'
     from unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) as seed(id, email, phone, cell)`,
    [podId, ids, emails, phones, cells],
  );
}

function render(results: Results): string {
  const baseline = (results.baselineBefore + results.baselineAfter) / 2;
  const seconds = results.lastMs / 1000;
  const rate = MEMBERS_IN_AREA / seconds;
  const emailRate = results.emails / seconds;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    '| Measure | Notifications | Baseline | Ratio |',
    '|---|---:|---:|---:|',
    `| Area broadcast to ${MEMBERS_IN_AREA.toLocaleString('en')} members (${results.emails.toLocaleString('en')} e-mail, ${results.sms.toLocaleString('en')} SMS): time to last delivery | ${s(results.lastMs)} | — | — |`,
    `| Deliveries per second, both channels | ${rate.toFixed(0)} /s | ${baseline.toFixed(0)} msg/s (raw SMTP to the same sink) | ${(rate / baseline).toFixed(2)}× |`,
    `| E-mail deliveries per second | ${emailRate.toFixed(0)} /s | ${baseline.toFixed(0)} msg/s | ${(emailRate / baseline).toFixed(2)}× |`,
    `| Time to first delivery | ${s(results.firstMs)} | — | — |`,
    `| Delivery latency after the incident event, p50 / p95 / p99 | ${s(results.latency.p50)} / ${s(results.latency.p95)} / ${s(results.latency.p99)} | — | — |`,
    '',
    `Raw SMTP baseline: ${results.baselineBefore.toFixed(0)} msg/s before the broadcast, ${results.baselineAfter.toFixed(0)} msg/s after (mean used). ` +
      `${results.deliveriesSent.toLocaleString('en')} deliveries recorded as sent; ${results.receipts.toLocaleString('en')} SMS delivery receipts accepted. ` +
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, shared with other work while it ran: compare ratios, not absolute figures.`,
  ].join('\n');
}

const METHOD = `## Notifications

\`npm run bench:notifications\` starts an SMTP sink (the \`smtp-server\` package, counting messages without parsing them)
and a Twilio-style SMS sandbox in the benchmark process, then notifications (after its migrations) as a child process
on a fresh database \`mutuo_bench_notifications_<suffix>\` and NATS prefix, both removed at the end, also after a
failure or Ctrl-C. It rewrites the results below.

- **Baseline.** A nodemailer pool with the service's settings (4 SMTP connections, ${BASELINE_IN_FLIGHT} messages in flight) sends
  ${BASELINE_MESSAGES.toLocaleString('en')} messages straight to the same sink from the benchmark process, after a warm-up, once before and once after
  the broadcast: the most e-mail this machine moves through that sink with no database, no worker and no guarantees.
- **Area broadcast.** ${(MEMBERS_IN_AREA + MEMBERS_OUTSIDE).toLocaleString('en')} members of one pod are written into notifications' recipients read model
  (its copy of membership's events; seeding through 33,000 events would measure the consumer instead), ${MEMBERS_IN_AREA.toLocaleString('en')} with a
  coarse location cell inside the incident's polygon, half of them reachable only by e-mail, half only by SMS, and
  ${MEMBERS_OUTSIDE.toLocaleString('en')} outside it. One \`requests.incident-declared.v1\` is published on JetStream; the clock runs from the publish to
  the ${MEMBERS_IN_AREA.toLocaleString('en')}th message accepted by the sink or the sandbox. On the way each member gets an inbox notification and a
  delivery record committed before the send (decided → sending → sent, three events per delivery in the event store),
  a CAP alert is issued, and the sandbox posts signed delivery receipts back. Worker: ${WORKER.concurrency} deliveries in flight, batches of ${WORKER.batch.toLocaleString('en')}.
  The ratio compares delivery throughput with the raw SMTP baseline.
`;

main().catch((error: unknown) => {
  process.stderr.write(`bench:notifications failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
