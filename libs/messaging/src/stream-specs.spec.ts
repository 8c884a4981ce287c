import { nanos } from '@nats-io/transport-node';
import { duration, subjectCovers } from './stream-specs';

describe('subjectCovers', () => {
  it('knows when a consumer filter delivers every subject of another filter', () => {
    expect(subjectCovers('p.evt.*.*.requests.>', 'p.evt.*.*.requests.request-posted.v1')).toBe(true);
    expect(subjectCovers('p.evt.*.*.requests.request-posted.v1', 'p.evt.*.*.requests.request-posted.v1')).toBe(true);
    expect(subjectCovers('p.evt.*.*.requests.request-posted.v1', 'p.evt.*.*.requests.>')).toBe(false);
    expect(subjectCovers('p.evt.*.*.requests.request-posted.v1', 'p.evt.*.*.requests.request-edited.v1')).toBe(false);
    expect(subjectCovers('p.evt.north.*.requests.>', 'p.evt.*.*.requests.request-posted.v1')).toBe(false);
    expect(subjectCovers('p.evt.*.*.requests.>', 'p.evt.*.*.requests')).toBe(false);
  });
});

describe('duration', () => {
  it('speaks in days, hours, minutes or seconds', () => {
    expect([0, 30 * 86_400_000, 7_200_000, 120_000, 1_500].map((ms) => duration(nanos(ms)))).toEqual(['forever', '30 d', '2 h', '2 min', '1.5 s']);
  });
});
