jest.setTimeout(60_000);

import { startSmtpSink, type SmtpSink } from '@mutuo/testing';
import { randomUUID } from 'node:crypto';
import { memberIdFor } from '@mutuo/contracts';
import { DeliveryWorker } from '../src/shared/delivery/delivery.worker';
import type { PhoneTreeState } from '../src/domain/phone-tree.decider';
import { PhoneTreeHandler } from '../src/shared/phone-tree.handler';
import { startNotificationsModule, type NotificationsUnderTest } from './support/notifications-module';

/** A pod's phone tree in an emergency: calls, acknowledgements, and escalation when someone does not answer in time. */
describe('phone tree (real PostgreSQL and SMTP, manual clock)', () => {
  let sink: SmtpSink;
  let sut: NotificationsUnderTest;
  const podId = randomUUID();
  const names = ['ana', 'bo', 'cy', 'dee', 'eli', 'fay', 'gus'];
  const id = (name: string) => memberIdFor(podId, `person-${name}`);
  const nameOf = (memberId: string) => names.find((name) => id(name) === memberId)!;
  const dispatcher = { actorId: 'person-dispatcher', podId };
  const at = (time: string) => `2026-11-26T${time}:00.000Z`;
  const trees = () => sut.moduleRef.get(PhoneTreeHandler);
  const pass = async () => {
    await sut.settle();
    await sut.moduleRef.get(DeliveryWorker).runOnce();
    await sut.settle();
    await sut.moduleRef.get(DeliveryWorker).runOnce();
  };
  const calledByEmail = () =>
    sink.received.filter((mail) => mail.parsed.subject === 'Phone tree: please confirm').flatMap((mail) => mail.to.map((to) => to.split('@')[0]));
  const statusOf = (state: PhoneTreeState) =>
    state.status === 'active'
      ? state.calls.map(
          (call) => `${nameOf(call.memberId)}:${call.status}:${call.calledBy === 'system' ? 'system' : call.calledBy ? nameOf(call.calledBy) : '-'}`,
        )
      : [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startNotificationsModule('notifications_phone_tree', { NOTIFICATIONS_SMTP_URL: sink.url }, at('08:00'));
    await sut.admin(`insert into pods values ($1, 'Arroios', '{en}', 'UTC')`, [podId]);
    for (const name of names) {
      await sut.admin(`insert into recipients (member_id, pod_id, display_name, preferred_language, email) values ($1, $2, $3, 'en', $4)`, [
        id(name),
        podId,
        name,
        `${name}@example.org`,
      ]);
    }
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await sink?.close();
  });

  it('calls the first people, hands each branch to whoever acknowledges, and escalates a silent branch after the timeout', async () => {
    await trees().setUp(podId, { memberIds: names.map(id), fanOut: 2, ackTimeoutMinutes: 10 }, { now: at('08:00'), ...dispatcher });

    sut.clock.set(at('09:00'));
    await trees().activate(podId, 'Flood on Rua Alegre', { now: at('09:00'), ...dispatcher });
    await pass();
    expect(calledByEmail().sort()).toEqual(['ana', 'bo']);
    expect(sink.received[0]!.parsed.text).toContain('Please confirm in the app, then call the 2 people on your branch.');

    sut.clock.set(at('09:03'));
    const acknowledged = await trees().acknowledge(podId, id('ana'), { now: at('09:03'), actorId: 'person-ana', podId });
    expect(statusOf(acknowledged)).toEqual([
      'ana:acknowledged:system',
      'bo:called:system',
      'cy:called:ana',
      'dee:called:ana',
      'eli:waiting:-',
      'fay:waiting:-',
      'gus:waiting:-',
    ]);

    // Bo did not answer within ten minutes: the system calls Bo's branch itself.
    sut.clock.set(at('09:09'));
    await pass();
    expect(statusOf(await trees().status(podId))).toContain('bo:called:system');
    sut.clock.set(at('09:10'));
    await pass();
    expect(statusOf(await trees().status(podId))).toEqual([
      'ana:acknowledged:system',
      'bo:missed:system',
      'cy:called:ana',
      'dee:called:ana',
      'eli:called:system',
      'fay:called:system',
      'gus:waiting:-',
    ]);
    expect(calledByEmail().sort()).toEqual(['ana', 'bo', 'eli', 'fay']);

    // Cy acknowledges; Dee does not, and has no branch; Cy's branch (Gus) is Cy's to call.
    sut.clock.set(at('09:11'));
    await trees().acknowledge(podId, id('cy'), { now: at('09:11'), actorId: 'person-cy', podId });
    sut.clock.set(at('09:13'));
    await pass();
    expect(statusOf(await trees().status(podId))).toEqual([
      'ana:acknowledged:system',
      'bo:missed:system',
      'cy:acknowledged:ana',
      'dee:missed:ana',
      'eli:called:system',
      'fay:called:system',
      'gus:called:cy',
    ]);
  });
});
