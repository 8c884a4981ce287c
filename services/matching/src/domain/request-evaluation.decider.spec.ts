import { DomainRuleViolation, spec } from '@mutuo/domain';
import { requestEvaluationDecider, type EvaluateRequest, type RequestEvaluated } from './request-evaluation.decider';

const metadata = { now: '2026-11-25T09:00:05.000Z', actorId: 'system:matching', podId: 'pod-1' };
const evaluate = (candidateMemberIds: string[]): EvaluateRequest => ({
  type: 'EvaluateRequest',
  data: { requestId: 'req-1', podId: 'pod-1', requesterMemberId: 'member-ana', candidateMemberIds },
  metadata,
});
const evaluated = (candidateCount: number, status: 'candidates-found' | 'no-candidates'): RequestEvaluated => ({
  type: 'RequestEvaluated',
  data: { requestId: 'req-1', podId: 'pod-1', evaluatedAt: metadata.now, candidateCount, status },
  metadata: { occurredAt: metadata.now, actorId: 'system:matching', podId: 'pod-1' },
});

describe('request evaluation', () => {
  it('given a new request, when two neighbours could help, then it awaits helpers', () => {
    spec(requestEvaluationDecider).given([]).when(evaluate(['m-1', 'm-2'])).then([evaluated(2, 'candidates-found')]);
  });

  it('given a new request, when nobody else is in the pod yet, then it has no candidates', () => {
    spec(requestEvaluationDecider).given([]).when(evaluate([])).then([evaluated(0, 'no-candidates')]);
  });

  it('given an evaluated request, when the same event arrives again, then nothing new happens', () => {
    spec(requestEvaluationDecider).given([evaluated(2, 'candidates-found')]).when(evaluate(['m-1', 'm-2', 'm-3'])).then([]);
  });

  it('never counts the requester as their own helper', () => {
    spec(requestEvaluationDecider).given([]).when(evaluate(['member-ana'])).thenThrows(DomainRuleViolation, /own request/);
  });
});
