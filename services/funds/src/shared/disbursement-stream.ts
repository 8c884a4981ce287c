import { streamName } from '@mutuo/event-store';

/** One proposal to pay money out, from its proposal to its payout. */
export const disbursementStream = (podId: string, proposalId: string) => streamName('disbursement', podId, proposalId);
