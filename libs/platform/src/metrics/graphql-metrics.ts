import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from './http-metrics';
import type { MetricsRegistry } from './metrics';

/** Anonymous operations, requests that never named a valid operation, and names past the cap share this label value. */
export const OTHER_OPERATION = 'other';

export type GraphQLOutcome = 'success' | 'client_error' | 'server_error';

/** Errors that are the server's fault (or a dependency's); any other code means the caller sent something wrong. */
const SERVER_ERROR_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'DOWNSTREAM_SERVICE_ERROR']);
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,79}$/;
/** Apollo's gateway names a subgraph fetch `<operation>__<subgraph>__<index>`: the subgraph reports the client's name. */
const SUBGRAPH_FETCH_SUFFIX = /__[A-Za-z0-9_]+?__\d+$/;

export interface GraphQLMetricsOptions {
  /** Distinct operation names kept as label values; later ones count as `other`. Default 200. */
  readonly maxOperationNames?: number;
}

/**
 * An Apollo Server plugin timing every operation into `mutuo_graphql_operation_duration_seconds{operation,type,outcome}`.
 * Operation names come from callers, so the label set is bounded: the first `maxOperationNames` valid names are kept
 * and everything else is `other`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function graphqlOperationMetrics(registry: MetricsRegistry, options: GraphQLMetricsOptions = {}): ApolloServerPlugin<any> {
  const duration = new Histogram({
    name: 'mutuo_graphql_operation_duration_seconds',
    help: 'GraphQL operations by operation name, type (query, mutation, unknown) and outcome (success, client_error, server_error)',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const names = new BoundedNames(options.maxOperationNames ?? 200);
  return {
    async requestDidStart() {
      const stop = duration.startTimer();
      return {
        async willSendResponse(context) {
          stop({ operation: names.labelFor(context.operationName), type: context.operation?.operation ?? 'unknown', outcome: outcomeOf(context) });
        },
      };
    },
  };
}

class BoundedNames {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  labelFor(operationName: string | null | undefined): string {
    const name = operationName?.replace(SUBGRAPH_FETCH_SUFFIX, '');
    if (!name || !OPERATION_NAME.test(name)) return OTHER_OPERATION;
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.max) return OTHER_OPERATION;
    this.seen.add(name);
    return name;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function outcomeOf(context: GraphQLRequestContextWillSendResponse<any>): GraphQLOutcome {
  const body = context.response.body;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  if (!errors || errors.length === 0) return 'success';
  const serverFault = errors.some((error) => {
    const code = error.extensions?.code;
    return typeof code !== 'string' || SERVER_ERROR_CODES.has(code);
  });
  return serverFault ? 'server_error' : 'client_error';
}
