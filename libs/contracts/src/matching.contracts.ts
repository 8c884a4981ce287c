import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { timestampField, uuidField } from './field-schemas';
import { EVALUATION_STATUSES } from './vocabulary';

export const RequestEvaluatedV1 = defineContract({
  service: 'matching',
  name: 'request-evaluated',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    evaluatedAt: timestampField(),
    /** How many members could help; 0 goes with `no-candidates`. */
    candidateCount: z.number().int().min(0),
    status: z.enum(EVALUATION_STATUSES),
  }),
});
export type RequestEvaluatedV1Data = ContractData<typeof RequestEvaluatedV1>;

export const MATCHING_CONTRACTS = [RequestEvaluatedV1] as const;
