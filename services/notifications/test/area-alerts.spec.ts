jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import {
  IncidentClosedV1,
  IncidentDeclaredV1,
  MemberContactsChangedV1,
  MemberJoinedV1,
  MemberProfileChangedV1,
  PodCreatedV1,
  memberIdFor,
} from '@mutuo/contracts';
import { encodeGeohash } from '@mutuo/domain';
import { startServiceUnderTest, waitFor, type ServiceUnderTest, startSmtpSink, type SmtpSink } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

const xsd = readFileSync(join(__dirname, '../src/area-alerts/CAP-v1.2.xsd'), 'utf8');
const square = (minLon: number, minLat: number, maxLon: number, maxLat: number): [number, number][] => [
  [minLon, minLat],
  [maxLon, minLat],
  [maxLon, maxLat],
  [minLon, maxLat],
  [minLon, minLat],
];

/** An incident's area broadcast and its public CAP 1.2 alert, end to end through the running service. */
describe('area broadcast and CAP alert (real PostgreSQL, NATS, SMTP and HTTP)', () => {
  let sink: SmtpSink;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  const podId = randomUUID();
  const incidentId = randomUUID();
  const area = { type: 'Polygon' as const, coordinates: [square(-9.15, 38.72, -9.12, 38.74)] };
  const members = {
    inside: { cell: encodeGeohash({ lat: 38.73, lon: -9.14 }, 6), email: 'inside@example.org' },
    alsoInside: { cell: encodeGeohash({ lat: 38.725, lon: -9.125 }, 6), email: 'also-inside@example.org' },
    outside: { cell: encodeGeohash({ lat: 38.76, lon: -9.2 }, 6), email: 'outside@example.org' },
  };
  const mailsWith = (subject: string) =>
    sink.received
      .filter((mail) => mail.parsed.subject === subject)
      .flatMap((mail) => mail.to)
      .sort();

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_area',
      appRole: 'mutuo_notifications_app',
      env: {
        REGION: TEST_REGION,
        NOTIFICATIONS_SMTP_URL: sink.url,
        NOTIFICATIONS_WORKER_INTERVAL_MS: '50',
        NOTIFICATIONS_PUBLIC_URL: 'https://alerts.mutuo.example.org',
      },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['en'],
      timezone: 'Europe/Lisbon',
    });
    for (const [name, member] of Object.entries(members)) {
      const memberId = memberIdFor(podId, `person-${name}`);
      await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${memberId}`, {
        memberId,
        podId,
        preferredLanguage: 'en',
        changedAt: new Date().toISOString(),
        sealed: sealedContacts(memberId, [{ kind: 'email', value: member.email }]),
      });
      await publisher.publish(MemberProfileChangedV1, podId, `member-profile:${podId}:${memberId}`, {
        memberId,
        podId,
        languages: ['en'],
        skills: [],
        locationCell: member.cell,
        changedAt: new Date().toISOString(),
      });
      await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${memberId}`, {
        memberId,
        podId,
        personId: `person-${name}`,
        displayName: name,
        preferredLanguage: 'en',
      });
    }
    await waitFor(
      async () =>
        (await adminQuery<{ n: number }>(sut.db.adminUrl, 'select count(*)::int as n from recipients where location_cell is not null'))[0]!.n === 3
          ? true
          : undefined,
      {
        description: 'the members and their cells known',
        timeoutMs: 15_000,
      },
    );
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await sut?.stop();
    await sink?.close();
  });

  it('tells everyone whose coarse location is in the area, and publishes a valid CAP 1.2 alert at a public URL', async () => {
    await publisher.publish(IncidentDeclaredV1, podId, `incident:${podId}:${incidentId}`, {
      incidentId,
      podId,
      regionId: null,
      name: 'Flood on Rua Alegre',
      type: 'flood',
      area,
      startedAt: new Date().toISOString(),
      declaredByMemberId: memberIdFor(podId, 'person-inside'),
      declaredAt: new Date().toISOString(),
    });
    await waitFor(async () => (mailsWith('Emergency: Flood on Rua Alegre').length === 2 ? true : undefined), {
      description: 'the area broadcast',
      timeoutMs: 20_000,
    });
    expect(mailsWith('Emergency: Flood on Rua Alegre')).toEqual(['also-inside@example.org', 'inside@example.org']);

    const [alert] = await waitFor(
      async () => {
        const rows = await adminQuery<{ alert_id: string; recipient_count: number }>(
          sut.db.adminUrl,
          `select alert_id, recipient_count from area_alerts where msg_type = 'Alert'`,
        );
        return rows.length ? rows : undefined;
      },
      { description: 'the CAP alert stored' },
    );
    expect(alert!.recipient_count).toBe(2);
    const response = await fetch(`${sut.service.url}/public/cap/${alert!.alert_id}.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/cap+xml; charset=utf-8');
    const xml = await response.text();
    const validation = await validateXML({ xml: { fileName: 'alert.xml', contents: xml }, schema: { fileName: 'CAP-v1.2.xsd', contents: xsd } });
    expect(validation.errors).toEqual([]);
    expect(xml).toContain('<msgType>Alert</msgType>');
    expect(xml).toContain(`<web>https://alerts.mutuo.example.org/public/cap/${alert!.alert_id}.xml</web>`);
    expect(xml).not.toMatch(/@example\.org|inside/);
    const published = await adminQuery<{ publish_subject: string | null }>(
      sut.db.adminUrl,
      `select publish_subject from mutuo_events where type = 'AreaAlertIssued'`,
    );
    expect(published[0]?.publish_subject).toMatch(/notifications\.area-alert-issued\.v1$/);
    expect((await fetch(`${sut.service.url}/public/cap/${randomUUID()}.xml`)).status).toBe(404);
    expect((await fetch(`${sut.service.url}/public/cap/not-an-id.xml`)).status).toBe(404);
  });

  it('tells nobody twice when a broadcast batch is done again (a crash before the cursor moved)', async () => {
    const decided = async () =>
      (
        await adminQuery<{ type: string; n: number }>(
          sut.db.adminUrl,
          `select type, count(*)::int as n from mutuo_events where type in ('NotificationRecorded', 'DeliveryDecided') and data->>'kind' = 'incident-declared' group by type order by type`,
        )
      ).map((row) => `${row.type}:${row.n}`);
    expect(await decided()).toEqual(['DeliveryDecided:2', 'NotificationRecorded:2']);
    // As if the process died after the batch's transactions committed and before the cursor moved.
    await adminQuery(sut.db.adminUrl, `update area_broadcasts set done = false, after_member_id = null, recipient_count = 0 where kind = 'incident-declared'`);
    await waitFor(
      async () =>
        (
          await adminQuery<{ done: boolean; recipient_count: number }>(
            sut.db.adminUrl,
            `select done, recipient_count from area_broadcasts where kind = 'incident-declared'`,
          )
        )[0]?.done
          ? true
          : undefined,
      { description: 'the broadcast done again', timeoutMs: 20_000 },
    );
    // The worker had a few passes at the hints the batch handed it again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await decided()).toEqual(['DeliveryDecided:2', 'NotificationRecorded:2']);
    expect(mailsWith('Emergency: Flood on Rua Alegre')).toEqual(['also-inside@example.org', 'inside@example.org']);
    const [broadcast] = await adminQuery<{ recipient_count: number }>(
      sut.db.adminUrl,
      `select recipient_count from area_broadcasts where kind = 'incident-declared'`,
    );
    expect(broadcast!.recipient_count).toBe(2);
  });

  it('cancels the alert when the incident closes and tells the same area', async () => {
    await publisher.publish(IncidentClosedV1, podId, `incident:${podId}:${incidentId}`, {
      incidentId,
      podId,
      closedByMemberId: memberIdFor(podId, 'person-inside'),
      closedAt: new Date().toISOString(),
      summary: { requestsReceived: 3, requestsMatched: 2, requestsFulfilled: 1, medianMinutesToFirstMatch: 12 },
    });
    await waitFor(async () => (mailsWith('Emergency over: Flood on Rua Alegre').length === 2 ? true : undefined), {
      description: 'the all-clear',
      timeoutMs: 20_000,
    });
    const [cancel] = await waitFor(
      async () => {
        const rows = await adminQuery<{ cap_xml: string }>(sut.db.adminUrl, `select cap_xml from area_alerts where msg_type = 'Cancel'`);
        return rows.length ? rows : undefined;
      },
      { description: 'the CAP cancellation stored' },
    );
    const validation = await validateXML({ xml: { fileName: 'cancel.xml', contents: cancel!.cap_xml }, schema: { fileName: 'CAP-v1.2.xsd', contents: xsd } });
    expect(validation.valid).toBe(true);
    expect(cancel!.cap_xml).toMatch(
      /<references>notifications@alerts\.mutuo\.example\.org,mutuo-[0-9a-f-]{36},\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00<\/references>/,
    );
  });
});
