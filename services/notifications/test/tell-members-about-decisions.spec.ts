jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import {
  MemberContactsChangedV1,
  MemberJoinedV1,
  PodCreatedV1,
  ProposalDeadlineNearV1,
  ProposalDecidedV1,
  ProposalOpenedV1,
  memberIdFor,
} from '@mutuo/contracts';
import { deleteStreamsWithPrefix, startServiceUnderTest, startSmtpSink, waitFor, type ServiceUnderTest, type SmtpSink } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

/** A proposal's electorate hears when it opens, a day before its deadline and the result, each in their language (real PostgreSQL, NATS and SMTP). */
describe('telling members about their pod decisions', () => {
  let sink: SmtpSink;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  const podId = randomUUID();
  const proposalId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');
  const bo = memberIdFor(podId, 'person-bo');
  const inboxOf = (memberId: string, kind: string) =>
    waitFor(
      async () => {
        const rows = await adminQuery<{ text: string; locale: string }>(
          sut.db.adminUrl,
          'select text, locale from inbox_notifications where recipient_member_id = $1 and kind = $2',
          [memberId, kind],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { description: `${kind} for ${memberId}`, timeoutMs: 15_000 },
    );
  const join = async (memberId: string, name: string, email: string, language: string) => {
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${memberId}`, {
      memberId,
      podId,
      preferredLanguage: language,
      changedAt: new Date().toISOString(),
      sealed: sealedContacts(memberId, [{ kind: 'email', value: email }]),
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${memberId}`, {
      memberId,
      podId,
      personId: `person-${name}`,
      displayName: name,
      preferredLanguage: language,
    });
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_decisions',
      appRole: 'mutuo_notifications_app',
      env: { REGION: TEST_REGION, NOTIFICATIONS_SMTP_URL: sink.url, NOTIFICATIONS_WORKER_INTERVAL_MS: '50', NOTIFICATIONS_RATE_LIMIT_MAX: '100' },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['en'],
      timezone: 'Europe/Lisbon',
    });
    await join(ana, 'Ana', 'ana@example.org', 'en');
    await join(bo, 'Bo', 'bo@example.org', 'pt-PT');
    await waitFor(
      async () =>
        (await adminQuery(sut.db.adminUrl, 'select 1 from recipients where member_id = any($1::uuid[]) and email is not null', [[ana, bo]])).length === 2
          ? true
          : undefined,
      { description: 'Ana and Bo known with their e-mail addresses' },
    );
  });

  afterAll(async () => {
    await publisher?.close();
    await sink?.close();
    await sut?.stop();
    await deleteStreamsWithPrefix(sut.natsPrefix).catch(() => undefined);
  });

  it('tells the electorate the proposal opened, that a day is left, and the result with how many voted', async () => {
    const stream = `proposal:${podId}:${proposalId}`;
    const proposal = { proposalId, podId, kind: 'general', title: 'Buy a shared freezer', method: 'consent', round: 1, deadline: '2026-12-20T18:00:00.000Z' };
    await publisher.publish(ProposalOpenedV1, podId, stream, { ...proposal, electorateMemberIds: [ana, bo], openedAt: '2026-12-17T18:00:00.000Z' });
    expect((await inboxOf(ana, 'proposal-opened'))[0]).toMatchObject({ locale: 'en', text: expect.stringContaining('Buy a shared freezer') });
    expect((await inboxOf(bo, 'proposal-opened'))[0]).toMatchObject({ locale: 'pt', text: expect.stringContaining('nova proposta') });

    await publisher.publish(ProposalDeadlineNearV1, podId, stream, { ...proposal, electorateMemberIds: [ana, bo] });
    expect((await inboxOf(ana, 'proposal-deadline-near'))[0]!.text).toContain('ends on December 20, 2026');

    await publisher.publish(ProposalDecidedV1, podId, stream, {
      ...proposal,
      subject: { type: 'none' },
      outcome: 'passed',
      tally: { electorateSize: 2, votesCast: 1, positions: { consent: 1, object: 0 } },
      electorateMemberIds: [ana, bo],
      decidedAt: '2026-12-20T18:00:01.000Z',
    });
    expect((await inboxOf(ana, 'proposal-decided'))[0]!.text).toContain('passed. 1 of 2 members voted');
    expect((await inboxOf(bo, 'proposal-decided'))[0]!.text).toContain('foi aprovada');
  });
});
