import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { displayTextField, timestampField, uuidField } from './field-schemas';
import { REQUEST_CATEGORIES, URGENCIES } from './vocabulary';

export const RequestPostedV1 = defineContract({
  service: 'requests',
  name: 'request-posted',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    requesterMemberId: uuidField(),
    title: displayTextField(200),
    category: z.enum(REQUEST_CATEGORIES),
    urgency: z.enum(URGENCIES),
    postedAt: timestampField(),
  }),
});
export type RequestPostedV1Data = ContractData<typeof RequestPostedV1>;

export const REQUESTS_CONTRACTS = [RequestPostedV1] as const;
