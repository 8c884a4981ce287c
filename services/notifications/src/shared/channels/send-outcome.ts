import type { SendOutcome } from '../../domain/delivery.decider';

/**
 * The send may or may not have reached the provider (the connection dropped after the message was handed over,
 * a response never came). The delivery is then never retried blindly: only channels that deduplicate are.
 */
export class AmbiguousSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmbiguousSendError';
  }
}

export type ChannelResult = SendOutcome;

export type NotSent = Extract<ChannelResult, { type: 'not-sent' }>;

export const notSent = (permanent: boolean, error: string): NotSent => ({ type: 'not-sent', permanent, error: error.slice(0, 500) });
