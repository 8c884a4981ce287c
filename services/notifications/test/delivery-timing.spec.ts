jest.setTimeout(60_000);

import { startSmtpSink, type SmtpSink } from '@mutuo/testing';
import { randomUUID } from 'node:crypto';
import { memberIdFor } from '@mutuo/contracts';
import { setTransactionPod } from '@mutuo/event-store';
import { EntityManager } from '@mikro-orm/postgresql';
import { DeliveryWorker } from '../src/shared/delivery/delivery.worker';
import { NotificationDispatcher, NOTIFICATIONS_ACTOR, type MemberNotification } from '../src/shared/delivery/notification-dispatcher';
import { startNotificationsModule, type NotificationsUnderTest } from './support/notifications-module';

/** Quiet hours, emergencies, rate limits and digests, with the worker driven pass by pass on a manual clock. */
describe('when messages go out (real PostgreSQL and SMTP, manual clock)', () => {
  let sink: SmtpSink;
  let sut: NotificationsUnderTest;
  const podId = randomUUID();
  const member = (name: string) => memberIdFor(podId, `person-${name}`);

  /** The read models notifications copies from membership's events, as they would be for each member. */
  const addRecipient = async (name: string, options: { quiet?: [string, string]; emergenciesOverride?: boolean; digests?: Record<string, string> } = {}) => {
    await sut.admin(
      `insert into recipients (member_id, pod_id, display_name, preferred_language, email, quiet_start, quiet_end, timezone) values ($1, $2, $3, 'en', $4, $5, $6, 'Europe/Lisbon')`,
      [member(name), podId, name, `${name}@example.org`, options.quiet?.[0] ?? null, options.quiet?.[1] ?? null],
    );
    if (options.emergenciesOverride === undefined && !options.digests) return;
    await sut.admin(`insert into notification_preferences values ($1, $2, '{email,in-app}', $3::jsonb, null, false, $4, now())`, [
      member(name),
      podId,
      JSON.stringify(options.digests ?? {}),
      options.emergenciesOverride ?? false,
    ]);
  };

  /** What the consumer does for an incoming event, as of the manual clock. */
  const notify = async (notification: MemberNotification) => {
    const em = sut.moduleRef.get(EntityManager).fork();
    const now = sut.clock.now().toISOString();
    await em.transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      await sut.moduleRef
        .get(NotificationDispatcher)
        .notifyMember(tx, { eventId: randomUUID(), podId, metadata: { now, actorId: NOTIFICATIONS_ACTOR, podId } }, notification);
    });
  };
  const pass = async () => {
    await sut.settle();
    const report = await sut.moduleRef.get(DeliveryWorker).runOnce();
    await sut.settle();
    return report;
  };
  const mailsTo = (name: string) => sink.received.filter((mail) => mail.to.includes(`${name}@example.org`));

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startNotificationsModule(
      'notifications_timing',
      { NOTIFICATIONS_SMTP_URL: sink.url, NOTIFICATIONS_RATE_LIMIT_MAX: '3', NOTIFICATIONS_RATE_LIMIT_WINDOW_MS: '900000' },
      '2026-11-26T03:00:00Z',
    );
    await sut.admin(`insert into pods values ($1, 'Arroios', '{pt}', 'Europe/Lisbon')`, [podId]);
    await addRecipient('ana', { quiet: ['22:00', '07:00'] });
    await addRecipient('bo', { quiet: ['22:00', '07:00'], emergenciesOverride: true });
    await addRecipient('cy', { quiet: ['22:00', '07:00'], emergenciesOverride: false });
    await addRecipient('dee', {});
    await addRecipient('eli', { digests: { 'request-posted': 'daily' } });
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await sink?.close();
  });

  it('holds a message sent at 03:00 in quiet hours until 07:00 local, then sends it once', async () => {
    sut.clock.set('2026-11-26T03:00:00Z');
    await notify({ recipientMemberId: member('ana'), kind: 'request-posted', subjectId: randomUUID(), params: { title: 'Groceries' } });
    expect((await pass()).postponed).toBe(1);
    expect(mailsTo('ana')).toHaveLength(0);
    sut.clock.set('2026-11-26T06:59:00Z');
    await pass();
    expect(mailsTo('ana')).toHaveLength(0);
    sut.clock.set('2026-11-26T07:00:00Z');
    expect((await pass()).sent).toBe(1);
    expect(mailsTo('ana').map((mail) => mail.parsed.subject)).toEqual(['Your request is posted']);
  });

  it('lets an emergency through quiet hours only for a member who allowed it', async () => {
    sut.clock.set('2026-11-27T03:00:00Z');
    const emergency = {
      kind: 'incident-declared' as const,
      subjectId: randomUUID(),
      params: { title: 'Flood', severity: 'extreme', declaredAt: new Date('2026-11-27T02:55:00Z') },
      emergency: true,
    };
    await notify({ ...emergency, recipientMemberId: member('bo') });
    await notify({ ...emergency, recipientMemberId: member('cy') });
    await pass();
    expect(mailsTo('bo').map((mail) => mail.parsed.subject)).toEqual(['Emergency: Flood']);
    expect(mailsTo('cy')).toHaveLength(0);
    sut.clock.set('2026-11-27T07:00:00Z');
    await pass();
    expect(mailsTo('cy').map((mail) => mail.parsed.subject)).toEqual(['Emergency: Flood']);
  });

  it('turns a burst into three messages and one digest when the window frees up', async () => {
    sut.clock.set('2026-11-27T12:00:00Z');
    for (const title of ['Bread', 'Milk', 'Soup', 'Rice', 'Beans', 'Tea']) {
      await notify({ recipientMemberId: member('dee'), kind: 'request-posted', subjectId: randomUUID(), params: { title } });
    }
    const first = await pass();
    expect(first).toMatchObject({ sent: 3, postponed: 3 });
    sut.clock.set('2026-11-27T12:14:00Z');
    await pass();
    expect(mailsTo('dee')).toHaveLength(3);
    sut.clock.set('2026-11-27T12:15:00Z');
    const second = await pass();
    expect(second.digests).toBe(1);
    await pass(); // the digest decided in the last pass goes out in this one
    expect(mailsTo('dee')).toHaveLength(4);
    const digest = mailsTo('dee')[3]!;
    expect(digest.parsed.subject).toBe('3 new notifications');
    expect(digest.parsed.text).toContain('- Your request is posted');
    await pass();
    expect(mailsTo('dee')).toHaveLength(4);
  });

  it('collects the kinds a member wants daily into one digest at 08:00 local', async () => {
    sut.clock.set('2026-11-27T09:30:00Z');
    await notify({ recipientMemberId: member('eli'), kind: 'request-posted', subjectId: randomUUID(), params: { title: 'Bread' } });
    sut.clock.set('2026-11-27T18:00:00Z');
    await notify({ recipientMemberId: member('eli'), kind: 'request-posted', subjectId: randomUUID(), params: { title: 'Milk' } });
    await pass();
    expect(mailsTo('eli')).toHaveLength(0);
    sut.clock.set('2026-11-28T08:00:00Z');
    await pass();
    await pass();
    expect(mailsTo('eli').map((mail) => mail.parsed.subject)).toEqual(['2 new notifications']);
  });
});
