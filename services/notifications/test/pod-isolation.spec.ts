import { podIsolationProblemsOf } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';

jest.setTimeout(120_000);

/** Every table with pod_id here is pod data (the event log is exempted for every service, in libs/platform). */
const NOT_POD_DATA: Readonly<Record<string, string>> = {};

describe('notifications pod isolation', () => {
  it('isolates every table with pod_id by row-level security, or says why its rows are not pod data', async () => {
    expect(await podIsolationProblemsOf(notificationsService, NOT_POD_DATA)).toEqual([]);
  });
});
