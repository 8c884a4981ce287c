import { DomainRuleViolation, assertNever } from '@mutuo/domain';
import type { DecisionMethod, DecisionMethodName } from './decision-methods';

/**
 * What a member may answer under each method, and how a round's votes become a result. Pure: the same votes and
 * method always give the same tally and outcome.
 */

export const VOTE_POSITIONS = {
  /** Consent: the proposal goes ahead unless someone objects; an objection is a reason to amend, not a veto forever. */
  consent: ['consent', 'object'],
  /** Majority: more for than against, among enough voters (the quorum counts abstentions). */
  majority: ['for', 'against', 'abstain'],
  /** Consensus: everyone can live with it; standing aside lets it pass without one's support, a block stops it. */
  consensus: ['agree', 'stand-aside', 'block'],
} as const satisfies Record<DecisionMethodName, readonly string[]>;

export type VotePosition = (typeof VOTE_POSITIONS)[DecisionMethodName][number];

export interface Tally {
  readonly electorateSize: number;
  readonly votesCast: number;
  /** Every position of the method, with how many chose it (0 included). */
  readonly positions: Readonly<Record<string, number>>;
}

/** `passed`/`rejected`/`blocked`/`no-quorum` end the proposal; `objected` ends only the round (consent). */
export type RoundResult = 'passed' | 'rejected' | 'blocked' | 'no-quorum' | 'objected';

export function checkPosition(method: DecisionMethodName, position: string): VotePosition {
  const allowed: readonly string[] = VOTE_POSITIONS[method];
  if (!allowed.includes(position)) {
    throw new DomainRuleViolation('INVALID_VOTE', `Under ${method}, a vote is one of: ${allowed.join(', ')}`, 'position');
  }
  return position as VotePosition;
}

export function tallyOf(method: DecisionMethodName, electorateSize: number, votes: readonly VotePosition[]): Tally {
  const positions: Record<string, number> = Object.fromEntries(VOTE_POSITIONS[method].map((position) => [position, 0]));
  for (const vote of votes) positions[vote] = (positions[vote] ?? 0) + 1;
  return { electorateSize, votesCast: votes.length, positions };
}

export function resultOf(method: DecisionMethod, tally: Tally): RoundResult {
  const count = (position: string) => tally.positions[position] ?? 0;
  switch (method.method) {
    case 'consent':
      // Silence is consent: only an objection holds the proposal back.
      return count('object') > 0 ? 'objected' : 'passed';
    case 'majority': {
      const quorum = method.quorumPercent ?? 0;
      if (tally.votesCast * 100 < quorum * tally.electorateSize) return 'no-quorum';
      return count('for') > count('against') ? 'passed' : 'rejected';
    }
    case 'consensus':
      if (count('block') > 0) return 'blocked';
      // Agreement must carry it: when as many stand aside as agree (or nobody agrees), there is no consensus.
      return count('agree') > count('stand-aside') ? 'passed' : 'rejected';
    default:
      return assertNever(method.method, 'decision method');
  }
}
