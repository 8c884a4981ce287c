import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CLIENT_IP_HEADER, CORRELATION_ID_HEADER, GATEWAY_SECRET_HEADER } from '@mutuo/platform';
import { context, propagation } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../auth/authenticate-request';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphDataSourceSettings {
  url: string;
  gatewaySharedSecret: string;
  timeoutMs: number;
}

/**
 * Sends the gateway's subgraph requests. Subgraphs only trust requests carrying the shared secret; they get the
 * caller's Authorization header (to verify the token themselves), the correlation id of the operation and the
 * caller's IP address (for rate limits), and the trace context. Nothing else from the incoming request is forwarded.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly gatewaySharedSecret: string;

  constructor(settings: SubgraphDataSourceSettings) {
    super({ url: settings.url, fetcher: fetchWithTimeout(settings.timeoutMs) });
    this.gatewaySharedSecret = settings.gatewaySharedSecret;
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    headers.set(GATEWAY_SECRET_HEADER, this.gatewaySharedSecret);
    // The W3C `traceparent` of Apollo's fetch span (nothing when tracing is off): the subgraph continues the trace.
    propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
    // Health checks and schema loading have no caller behind them.
    if ('incomingRequestContext' in options) {
      // Absent for the sign-in operations, which run without a caller.
      if (options.context.authorization) headers.set('authorization', options.context.authorization);
      headers.set(CORRELATION_ID_HEADER, options.context.correlationId);
      if (options.context.clientIp) headers.set(CLIENT_IP_HEADER, options.context.clientIp);
    }
  }

  /**
   * A subgraph answers HTTP 403 only when it refuses the gateway itself (wrong shared secret): a deployment fault,
   * so it becomes an internal error (masked for the caller, logged in full) rather than a FORBIDDEN the caller
   * would take personally. Other statuses keep Apollo's mapping (401 stays UNAUTHENTICATED).
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    if (response.status !== 403) return error;
    return new GraphQLError(`Subgraph at ${response.url} refused the gateway: ${error.message}`, {
      extensions: { ...error.extensions, code: 'INTERNAL_SERVER_ERROR' },
    });
  }
}

/** Node's fetch with a deadline, so a hung subgraph fails the operation instead of holding it forever. */
function fetchWithTimeout(timeoutMs: number): Fetcher {
  return (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
