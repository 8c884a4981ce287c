import { MikroORM } from '@mikro-orm/postgresql';
import { Test, type TestingModule } from '@nestjs/testing';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';
import { PostgresEventStore, ProjectionRunner } from '@mutuo/event-store';
import { createOutboxMapper } from '@mutuo/messaging';
import { createLogger, createOrmConfig, type RequestContext } from '@mutuo/platform';
import { ServiceRuntimeModule, migrateService, Clock } from '@mutuo/service-kit';
import { createTestDatabase, ManualClock, waitFor, type TestDatabase } from '@mutuo/testing';
import { CreatePodHandler } from '../src/create-pod/create-pod.handler';
import { CreateRegionHandler } from '../src/create-region/create-region.handler';
import { AmendProposalHandler } from '../src/decisions/amend-proposal/amend-proposal.handler';
import { ChooseDecisionMethodsHandler } from '../src/decisions/choose-decision-methods/choose-decision-methods.handler';
import { PROPOSAL_DEADLINE_OPTIONS, type ProposalDeadlineOptions } from '../src/decisions/close-proposals-at-deadline/proposal-deadline.options';
import { ProposalDeadlineScheduler } from '../src/decisions/close-proposals-at-deadline/proposal-deadline.scheduler';
import { ProposalQueries } from '../src/decisions/proposals.queries';
import { ProposeDecisionHandler } from '../src/decisions/propose-decision/propose-decision.handler';
import { VoteOnProposalHandler } from '../src/decisions/vote-on-proposal/vote-on-proposal.handler';
import type { ProposalState } from '../src/domain/proposal.decider';
import { MembershipModule } from '../src/membership.module';
import { membershipService } from '../src/membership.service';
import { JoinPodHandler } from '../src/pod-admission/join-pod/join-pod.handler';
import { PodRolesHandler } from '../src/roles/pod-roles.handler';
import { PodFacts } from '../src/shared/pod-facts';

const HOUR = 3_600_000;
const DAY0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (hours: number) => new Date(DAY0 + hours * HOUR).toISOString();

describe('decisions (real PostgreSQL, controlled clock)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let moduleRef: TestingModule;
  let projections: ProjectionRunner;
  let store: PostgresEventStore;
  const clock = new ManualClock(DAY0);
  const options: ProposalDeadlineOptions = { enabled: false, intervalMs: 60_000, batchSize: 50 };
  const logger = createLogger('membership', 'silent');
  let podId: string;
  let otherPodId: string;

  const person = (subject: string, pod: string, roles: string[] = ['member']): RequestContext => ({
    identity: { subject, podId: pod, roles, token: '' },
    podId: pod,
    correlationId: `test-${subject}`,
  });
  const ana = () => person('person-ana', podId, ['member', 'coordinator']);
  const bo = () => person('person-bo', podId);
  const cy = () => person('person-cy', podId);
  const outsider = () => person('person-eve', otherPodId);

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'membership_decisions', appRole: 'mutuo_membership_app' });
    await migrateService(membershipService, { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_ADMIN_URL: db.adminUrl, DATABASE_URL: db.appUrl });
    orm = await MikroORM.init(createOrmConfig({ clientUrl: db.appUrl, entities: membershipService.entities, migrations: membershipService.migrations }));
    // The real outbox mapping: an event whose published data broke its contract would fail the append.
    store = new PostgresEventStore({ outbox: createOutboxMapper({ service: 'membership', region: 'test', map: membershipService.publish! }) });
    moduleRef = await Test.createTestingModule({ imports: [ServiceRuntimeModule.forRuntime({ orm, store, logger, config: {} }), MembershipModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(PROPOSAL_DEADLINE_OPTIONS)
      .useValue(options)
      .compile();
    await moduleRef.init();
    projections = new ProjectionRunner(orm.em, store, membershipService.projections);

    const operator: RequestContext = { identity: { subject: 'person-operator', roles: ['operator'], token: '' }, correlationId: 'test-operator' };
    const region = await moduleRef.get(CreateRegionHandler).handle({ name: 'Lisboa', slug: 'lisboa' }, operator);
    const pods = moduleRef.get(CreatePodHandler);
    podId = (await pods.handle({ regionId: region.regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' }, operator)).podId;
    otherPodId = (await pods.handle({ regionId: region.regionId, name: 'Graça', languages: ['pt'], timezone: 'Europe/Lisbon' }, operator)).podId;
    for (const subject of ['person-ana', 'person-bo', 'person-cy']) {
      await moduleRef.get(JoinPodHandler).handle({ displayName: subject.slice(7) }, person(subject, podId));
    }
    await moduleRef.get(JoinPodHandler).handle({ displayName: 'eve' }, outsider());
    await moduleRef.get(PodRolesHandler).grant({ podId, memberId: memberIdFor(podId, 'person-ana'), role: 'coordinator' }, operator);
    await projections.catchUp();
    // The read model may lag behind a long transaction elsewhere in the cluster (late-commit rule): wait for it.
    await waitFor(
      async () => {
        await projections.catchUp();
        return (await moduleRef.get(ProposalQueries).activeMemberIds(podId)).length === 3;
      },
      { description: 'the three members in the read model', timeoutMs: 20_000 },
    );
  }, 60_000);

  afterAll(async () => {
    await moduleRef?.close();
    await orm?.close(true);
    await db?.drop();
  });

  const propose = (ctx: RequestContext, kind: string, text: string, hours = 72) =>
    moduleRef.get(ProposeDecisionHandler).propose({ kind, title: `A ${kind} question`, text, deadline: at(hours) }, ctx);
  const vote = (ctx: RequestContext, proposalId: string, position: string) => moduleRef.get(VoteOnProposalHandler).vote({ proposalId, position }, ctx);
  const idOf = (state: ProposalState) => (state.status === 'none' ? '' : state.proposalId);
  /** The proposal in the read model once it shows `status` (the read model may lag: see beforeAll). */
  const viewOf = (proposalId: string, status: string) =>
    waitFor(
      async () => {
        await projections.catchUp();
        const view = await moduleRef.get(ProposalQueries).byId(podId, proposalId);
        return view?.status === status ? view : null;
      },
      { description: `proposal ${proposalId} ${status}`, timeoutMs: 20_000 },
    );
  /** The scheduler at `hours`, once the read model knows the proposals named. */
  const countAt = async (hours: number, ...waitingFor: string[]) => {
    for (const proposalId of waitingFor) await viewOf(proposalId, 'open');
    clock.set(DAY0 + hours * HOUR);
    return moduleRef.get(ProposalDeadlineScheduler).runOnce();
  };
  const codeOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    return error instanceof DomainRuleViolation ? error.code : error;
  };

  it('a majority decision: members vote and change their vote; outsiders cannot; reminded a day before, counted at the deadline with its tally', async () => {
    clock.set(DAY0);
    const opened = await propose(bo(), 'general', 'We share one freezer.');
    const proposalId = idOf(opened);
    expect(opened).toMatchObject({ status: 'open', method: { method: 'consent' }, rounds: [{ round: 1, electorate: expect.any(Array) }] });
    await moduleRef.get(ChooseDecisionMethodsHandler).choose([{ kind: 'funds-disbursement', method: 'majority', quorumPercent: 60 }], ana());
    const money = idOf(
      await moduleRef.get(ProposeDecisionHandler).propose(
        {
          kind: 'funds-disbursement',
          title: 'Pay the rent help',
          text: 'Pay 600 EUR.',
          deadline: at(48),
          disbursementProposalId: '6f708192-a3b4-4cde-8f01-2b3c4d5e6f70',
        },
        bo(),
      ),
    );
    await vote(ana(), money, 'for');
    await vote(cy(), money, 'against');
    await vote(cy(), money, 'for');
    expect(await codeOf(vote(outsider(), money, 'for'))).toBe('PROPOSAL_NOT_FOUND');
    expect(await codeOf(vote(bo(), money, 'agree'))).toBe('INVALID_VOTE');

    expect(await countAt(30, proposalId, money)).toEqual({ due: 1, recorded: 1, failed: 0 });
    // At 48 hours the money decision is counted and the general question (deadline at 72) gets its reminder.
    expect(await countAt(48)).toEqual({ due: 2, recorded: 2, failed: 0 });
    const decided = await viewOf(money, 'decided');
    expect(decided).toMatchObject({
      status: 'decided',
      outcome: 'passed',
      rounds: [{ tally: { electorateSize: 3, votesCast: 2, positions: { for: 2, against: 0, abstain: 0 } }, result: 'passed' }],
    });
    expect(await codeOf(vote(bo(), money, 'for'))).toBe('PROPOSAL_CLOSED');
    // The general question is still open; the other pod sees none of them.
    expect((await moduleRef.get(ProposalQueries).ofPod(podId, 10)).map((proposal) => proposal.proposalId).sort()).toEqual([money, proposalId].sort());
    expect(await moduleRef.get(ProposalQueries).ofPod(otherPodId, 10)).toEqual([]);
    expect(await moduleRef.get(ProposalQueries).byId(otherPodId, money)).toBeNull();
  });

  it('consent: an objection ends the round; the amended proposal passes and the pod records its events for other services', async () => {
    clock.set(DAY0 + 100 * HOUR);
    const proposalId = idOf(await propose(bo(), 'general', 'We meet on Mondays.', 124));
    await vote(cy(), proposalId, 'object');
    await countAt(124, proposalId);
    await viewOf(proposalId, 'objected');
    await moduleRef.get(AmendProposalHandler).amend({ proposalId, text: 'We meet on Tuesdays.', deadline: at(150) }, bo());
    await vote(cy(), proposalId, 'consent');
    await countAt(150, proposalId);
    expect(await viewOf(proposalId, 'decided')).toMatchObject({
      status: 'decided',
      outcome: 'passed',
      rounds: [
        { round: 1, result: 'objected' },
        { round: 2, text: 'We meet on Tuesdays.', result: 'passed' },
      ],
    });
    const { rows } = await orm.em
      .fork()
      .getConnection()
      .execute<{ type: string; publish_subject: string | null }[]>(
        `select type, publish_subject from mutuo_events where stream_id like 'proposal:%${proposalId}' order by global_position`,
      )
      .then((result) => ({ rows: result }));
    expect(rows.filter((row) => row.publish_subject).map((row) => row.type)).toEqual(['ProposalOpened', 'ProposalAmended', 'ProposalDecided']);
  });

  it('an agreement change that passes by consensus becomes the next version of the agreements', async () => {
    clock.set(DAY0 + 200 * HOUR);
    const proposalId = idOf(await propose(cy(), 'agreement-change', '# Our agreements\n\nWe decide together.', 224));
    await vote(ana(), proposalId, 'agree');
    await vote(bo(), proposalId, 'stand-aside');
    await vote(cy(), proposalId, 'agree');
    await countAt(224, proposalId);
    const agreements = await moduleRef.get(PodFacts).agreements(orm.em.fork(), podId);
    expect(agreements).toEqual({ version: 1, text: '# Our agreements\n\nWe decide together.' });
  });

  it('refuses a data move proposed by a non-coordinator, and a deadline in the past, naming the field', async () => {
    clock.set(DAY0 + 300 * HOUR);
    expect(await codeOf(propose(bo(), 'data-move', 'Move to the new server.'))).toBe('NOT_A_COORDINATOR');
    const error = await propose(bo(), 'general', 'Too late.', 299).catch((thrown: DomainRuleViolation) => thrown);
    expect([(error as DomainRuleViolation).code, (error as DomainRuleViolation).field]).toEqual(['INVALID_DEADLINE', 'deadline']);
  });
});
