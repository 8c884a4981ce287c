jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import {
  BoundariesChangedV1,
  BudgetExceededV1,
  DisbursementProposedV1,
  MatchWithdrawnV1,
  MemberContactsChangedV1,
  MemberJoinedV1,
  PodCreatedV1,
  RequestFulfilledV1,
  RequestPostedV1,
  RoleGrantedV1,
  SuggestionsMadeV1,
  memberIdFor,
} from '@mutuo/contracts';
import { deleteStreamsWithPrefix, startServiceUnderTest, startSmtpSink, waitFor, type ServiceUnderTest, type SmtpSink } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

/**
 * Suggested helpers, the other side of a withdrawn match, the pod's treasurers and thanked helpers hear about what
 * concerns them by e-mail (a real SMTP sink) and in their inbox, in their language, once, and without details they may
 * not see.
 */
describe('telling people about suggestions, withdrawn matches, proposed payments and fulfilled requests (real PostgreSQL, NATS and SMTP)', () => {
  let sink: SmtpSink;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  const podId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');
  const bo = memberIdFor(podId, 'person-bo');
  const cy = memberIdFor(podId, 'person-cy');
  const requestId = randomUUID();
  const mailsTo = (address: string) => sink.received.filter((mail) => mail.to.includes(address));
  const mailTo = (address: string, subject: string) =>
    waitFor(async () => mailsTo(address).find((mail) => mail.parsed.subject === subject), { description: `"${subject}" to ${address}`, timeoutMs: 15_000 });
  const inboxOf = (memberId: string, kind: string) =>
    adminQuery<{ text: string; locale: string }>(sut.db.adminUrl, 'select text, locale from inbox_notifications where recipient_member_id = $1 and kind = $2', [
      memberId,
      kind,
    ]);
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
  /** Lets a second copy of a message appear, if one were ever sent, before counting. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_tell_people',
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
    await publisher.publish(RoleGrantedV1, podId, `pod-roles:${podId}:${podId}`, {
      podId,
      termId: randomUUID(),
      memberId: cy,
      role: 'treasurer',
      termStart: new Date().toISOString(),
      termEnd: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      consecutiveTerms: 1,
      via: 'grant',
    });
    await join(ana, 'Ana', 'ana@example.org', 'en');
    await join(bo, 'Bo', 'bo@example.org', 'es');
    await join(cy, 'Cy', 'cy@example.org', 'pt-PT');
    // Membership's events and the request arrive through different consumers: the request must not overtake what
    // notifications learns of its requester, or there is no address to tell.
    await waitFor(
      async () =>
        (
          await adminQuery(sut.db.adminUrl, 'select 1 from recipients where member_id = any($1::uuid[]) and email is not null and display_name is not null', [
            [ana, bo, cy],
          ])
        ).length === 3
          ? true
          : undefined,
      { description: 'Ana, Bo and Cy known with their e-mail addresses' },
    );
    await publisher.publish(RequestPostedV1, podId, `request:${podId}:${requestId}`, {
      requestId,
      podId,
      requesterMemberId: ana,
      title: 'Groceries, Rua Alegre 12, 3rd floor',
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
    });
    await mailTo('ana@example.org', 'Your request is posted');
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await sink?.close();
    await sut?.stop();
    await deleteStreamsWithPrefix(sut.natsPrefix).catch(() => undefined);
  });

  it('tells a suggested helper once, in their language, that someone nearby needs help with the category, and nothing about the requester', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const parts = { category: 1, time: 1, distance: 0.8, language: 1, skills: 0.5, fairness: 1 };
    const suggestions = {
      requestId,
      podId,
      category: 'groceries',
      urgency: 'normal',
      round: 1,
      suggestions: [{ suggestionId: randomUUID(), helperMemberId: bo, helperPodId: podId, offerId: null, score: 0.9, parts, source: 'automatic', expiresAt }],
      madeAt: new Date().toISOString(),
    };
    const eventId = randomUUID();
    await publisher.publish(SuggestionsMadeV1, podId, `suggestions:${podId}:${requestId}`, suggestions, eventId);
    await publisher.publish(SuggestionsMadeV1, podId, `suggestions:${podId}:${requestId}`, suggestions, eventId);

    const mail = await mailTo('bo@example.org', 'Alguien cerca necesita ayuda');
    expect(mail.parsed.text?.trim()).toBe('Alguien cerca necesita ayuda con compras. Abre la aplicación para aceptar o rechazar.');
    await settle();
    expect(mailsTo('bo@example.org').filter((sent) => sent.parsed.subject === 'Alguien cerca necesita ayuda')).toHaveLength(1);
    const everythingBoReceived = mailsTo('bo@example.org')
      .map((sent) => sent.raw)
      .join('\n');
    expect(everythingBoReceived).not.toMatch(/Ana|ana@example\.org|Rua Alegre/);
    expect(await inboxOf(bo, 'helper-suggested')).toEqual([
      { text: 'Alguien cerca necesita ayuda con compras. Abre la aplicación para aceptar o rechazar.', locale: 'es' },
    ]);
    expect(await inboxOf(ana, 'helper-suggested')).toEqual([]);
    const inbox = await sut.graphql<{ _entities: { inbox: { notifications: { kind: string; text: string }[] } }[] }>(
      await sut.token('person-bo', podId),
      'query($id: ID!) { _entities(representations: [{ __typename: "Member", id: $id }]) { ... on Member { inbox { notifications { kind text } } } } }',
      { id: bo },
    );
    expect(inbox.errors).toBeUndefined();
    expect(inbox.data?._entities[0]?.inbox.notifications).toContainEqual({
      kind: 'HELPER_SUGGESTED',
      text: 'Alguien cerca necesita ayuda con compras. Abre la aplicación para aceptar o rechazar.',
    });
  });

  it('keeps a helper quiet hours for an ordinary suggestion but lets an emergency through when the helper allowed it, even before the request is heard', async () => {
    const dee = memberIdFor(podId, 'person-dee');
    await join(dee, 'Dee', 'dee@example.org', 'en');
    const hhmm = (offsetMinutes: number) => new Date(Date.now() + offsetMinutes * 60_000).toISOString().slice(11, 16);
    await publisher.publish(BoundariesChangedV1, podId, `member-boundaries:${podId}:${dee}`, {
      memberId: dee,
      podId,
      availability: [],
      weeklyCapacityHours: 4,
      quietHours: { start: hhmm(-60), end: hhmm(60) },
      timezone: 'UTC',
    });
    const set = await sut.graphql(
      await sut.token('person-dee', podId),
      'mutation { setNotificationPreferences(input: { channels: [EMAIL, IN_APP], digests: [], language: "en", plainLanguage: false, emergenciesOverrideQuietHours: true }) { emergenciesOverrideQuietHours } }',
    );
    expect(set.errors).toBeUndefined();
    await waitFor(
      async () =>
        (await adminQuery(sut.db.adminUrl, 'select 1 from recipients where member_id = $1 and quiet_start is not null', [dee])).length ? true : undefined,
      {
        description: 'the quiet hours to be known',
      },
    );
    await waitFor(
      async () =>
        (await adminQuery(sut.db.adminUrl, 'select 1 from notification_preferences where member_id = $1 and emergencies_override_quiet_hours', [dee])).length
          ? true
          : undefined,
      {
        description: 'the preference to be known',
      },
    );
    // Streams are consumed independently: this emergency's request-posted has not reached notifications (and never
    // does here). The round itself says what it is about.
    const emergencyRequestId = randomUUID();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const parts = { category: 1, time: 1, distance: 1, language: 1, skills: 1, fairness: 1 };
    const suggest = (forRequest: string, category: 'groceries' | 'medical', urgency: 'normal' | 'emergency') =>
      publisher.publish(SuggestionsMadeV1, podId, `suggestions:${podId}:${forRequest}`, {
        requestId: forRequest,
        podId,
        category,
        urgency,
        round: 2,
        suggestions: [
          { suggestionId: randomUUID(), helperMemberId: dee, helperPodId: podId, offerId: null, score: 0.9, parts, source: 'automatic', expiresAt },
        ],
        madeAt: new Date().toISOString(),
      });
    const ordinaryEventId = await suggest(requestId, 'groceries', 'normal');
    await suggest(emergencyRequestId, 'medical', 'emergency');
    const mail = await mailTo('dee@example.org', 'Urgent: Someone nearby needs help');
    expect(await adminQuery(sut.db.adminUrl, 'select 1 from known_requests where request_id = $1', [emergencyRequestId])).toEqual([]);
    expect(mail.parsed.text?.trim()).toBe('Someone nearby needs help with medical needs. Open the app to accept or decline.');
    await settle();
    expect(mailsTo('dee@example.org').filter((sent) => sent.parsed.subject === 'Someone nearby needs help')).toHaveLength(0);
    const held = await adminQuery<{ status: string }>(sut.db.adminUrl, 'select status from deliveries where cause_event_id = $1 and channel = $2', [
      ordinaryEventId,
      'email',
    ]);
    expect(held).toEqual([{ status: 'pending' }]);
  });

  it('tells the other side of a match the helper withdrew, not the helper', async () => {
    await publisher.publish(MatchWithdrawnV1, podId, `match:${podId}:${requestId}`, {
      matchId: randomUUID(),
      requestId,
      podId,
      offerId: null,
      requesterMemberId: ana,
      helperMemberId: bo,
      helperPodId: podId,
      withdrawnBy: 'helper',
      reason: 'I am ill',
      withdrawnAt: new Date().toISOString(),
    });
    const mail = await mailTo('ana@example.org', 'The match for "Groceries, Rua Alegre 12, 3rd floor" was withdrawn');
    expect(mail.parsed.text).toContain('Your helper withdrew the match');
    expect(mail.parsed.text).not.toContain('I am ill');
    await settle();
    expect(await inboxOf(bo, 'match-withdrawn')).toEqual([]);
  });

  it('asks the treasurers to approve a proposed payment, with the amount in their locale and the budget overrun said', async () => {
    const proposalId = randomUUID();
    await publisher.publish(DisbursementProposedV1, podId, `proposal:${podId}:${proposalId}`, {
      proposalId,
      podId,
      requestId,
      proposedByMemberId: ana,
      recipientMemberId: ana,
      currency: 'EUR',
      amountMinor: 123_450,
      category: 'groceries',
      route: 'treasurer-approvals',
      approvalsRequired: 2,
      overBudget: true,
      proposedAt: new Date().toISOString(),
    });
    await publisher.publish(BudgetExceededV1, podId, `budget:${podId}:groceries`, {
      podId,
      proposalId,
      category: 'groceries',
      month: '2026-11',
      currency: 'EUR',
      budgetMinor: 100_000,
      committedMinor: 123_450,
      exceededAt: new Date().toISOString(),
    });
    const proposal = await waitFor(
      async () => mailsTo('cy@example.org').find((mail) => /^Um pagamento de €\s1\.234,50 precisa da sua aprovação$/.test(mail.parsed.subject ?? '')),
      {
        description: 'the approval request to the treasurer',
        timeoutMs: 15_000,
      },
    );
    expect(proposal.parsed.text).toContain('Ultrapassa o orçamento deste mês');
    expect(proposal.parsed.text).toContain('2 aprovações');
    const budget = await mailTo('cy@example.org', 'O orçamento para compras foi ultrapassado');
    expect(budget.parsed.text).toMatch(/€\s1\.234,50 para compras, acima do orçamento de €\s1\.000,00/);
    await settle();
    expect(await inboxOf(ana, 'disbursement-proposed')).toEqual([]);
    expect(await inboxOf(bo, 'budget-exceeded')).toEqual([]);
  });

  it('thanks the helpers of a fulfilled request with the hours they gave', async () => {
    const fulfilled = {
      requestId,
      podId,
      fulfilmentId: randomUUID(),
      requesterMemberId: ana,
      helperMemberIds: [bo],
      contributions: [{ helperMemberId: bo, minutes: 90 }],
      hoursGivenMinutes: 90,
      confirmedBy: 'requester',
      confirmedByMemberId: ana,
      category: 'groceries',
      postedAt: new Date().toISOString(),
      firstMatchedAt: new Date().toISOString(),
      fulfilledAt: new Date().toISOString(),
    };
    const eventId = randomUUID();
    await publisher.publish(RequestFulfilledV1, podId, `request:${podId}:${requestId}`, fulfilled, eventId);
    await publisher.publish(RequestFulfilledV1, podId, `request:${podId}:${requestId}`, fulfilled, eventId);
    const mail = await mailTo('bo@example.org', 'Gracias por ayudar');
    expect(mail.parsed.text?.trim()).toBe('Gracias: la solicitud de compras está cumplida. Diste 1,5 horas.');
    await settle();
    expect(mailsTo('bo@example.org').filter((sent) => sent.parsed.subject === 'Gracias por ayudar')).toHaveLength(1);
    expect(await inboxOf(ana, 'request-fulfilled')).toEqual([]);
  });
});
