import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * Matching's view of one request. For now it records that the request was evaluated and how many
 * people in the pod could be asked; the matching issue adds scored suggestions on top of this.
 */
export type RequestEvaluationState =
  | { status: 'not-evaluated' }
  | { status: 'candidates-found' | 'no-candidates'; requestId: string; evaluatedAt: string; candidateCount: number };

export type EvaluateRequest = Command<
  'EvaluateRequest',
  { requestId: string; podId: string; requesterMemberId: string; candidateMemberIds: string[] }
>;
export type RequestEvaluationCommand = EvaluateRequest;

export type RequestEvaluated = DomainEvent<
  'RequestEvaluated',
  { requestId: string; podId: string; evaluatedAt: string; candidateCount: number; status: 'candidates-found' | 'no-candidates' }
>;
export type RequestEvaluationEvent = RequestEvaluated;

export const requestEvaluationDecider: Decider<RequestEvaluationState, RequestEvaluationCommand, RequestEvaluationEvent> = {
  initialState: () => ({ status: 'not-evaluated' }),

  decide(command, state) {
    switch (command.type) {
      case 'EvaluateRequest': {
        // Evaluating twice (a redelivered event) changes nothing.
        if (state.status !== 'not-evaluated') return [];
        if (command.data.candidateMemberIds.includes(command.data.requesterMemberId)) {
          throw new DomainRuleViolation('REQUESTER_AS_CANDIDATE', 'A requester is never suggested for their own request', 'candidateMemberIds');
        }
        const candidateCount = command.data.candidateMemberIds.length;
        return [
          {
            type: 'RequestEvaluated',
            data: {
              requestId: command.data.requestId,
              podId: command.data.podId,
              evaluatedAt: command.metadata.now,
              candidateCount,
              status: candidateCount > 0 ? 'candidates-found' : 'no-candidates',
            },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'request evaluation command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RequestEvaluated':
        return {
          status: event.data.status,
          requestId: event.data.requestId,
          evaluatedAt: event.data.evaluatedAt,
          candidateCount: event.data.candidateCount,
        };
      default:
        return assertNever(event.type, 'request evaluation event');
    }
  },
};
