import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { RequestHandler } from 'express';
import { CORRELATION_ID_HEADER } from '../subgraph/gateway-secret';

export interface GraphqlRequestTracing {
  /** The instrumentation scope of the spans: `mutuo.gateway`, `mutuo.subgraph`. */
  readonly tracerName: string;
  /**
   * true: the request's `traceparent` header is the parent (subgraphs, behind the gateway secret). false: every request
   * starts a trace (the gateway, whose callers are the public: they do not choose trace ids).
   */
  readonly continueIncomingTrace: boolean;
}

/** The operation's type and name as written (`mutation PostRequest`), read without parsing the document. */
const OPERATION = /^\s*(?:#[^\n]*\n\s*)*(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/;

function operationOf(body: unknown): { type: string; name?: string } {
  const { query, operationName } = (typeof body === 'object' && body !== null ? body : {}) as { query?: unknown; operationName?: unknown };
  const match = typeof query === 'string' ? OPERATION.exec(query.slice(0, 500)) : null;
  const name = typeof operationName === 'string' && operationName.length <= 100 ? operationName : match?.[2];
  // A document that starts with `{` is a query (the shorthand form).
  return { type: match?.[1] ?? 'query', ...(name ? { name } : {}) };
}

/**
 * One SERVER span per GraphQL request, active while the request is served, so what runs for it (Apollo's own spans,
 * resolvers, command handlers, appends, subgraph fetches) joins its trace. Mount it after the JSON body parser: the
 * parser resumes `next` from a stream event, outside any async context set before it.
 */
export function traceGraphqlRequests(options: GraphqlRequestTracing): RequestHandler {
  return (req, res, next) => {
    // Looked up per request: a kept tracer would stay bound to the provider registered when it was taken.
    const tracer = trace.getTracer(options.tracerName);
    const parent = options.continueIncomingTrace ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
    const operation = operationOf(req.body);
    const span = tracer.startSpan(
      operation.name ? `${operation.type} ${operation.name}` : operation.type,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: req.originalUrl.split('?')[0],
          'graphql.operation.type': operation.type,
          ...(operation.name ? { 'graphql.operation.name': operation.name } : {}),
        },
      },
      parent,
    );
    if (span.isRecording()) {
      res.once('close', () => {
        const correlationId = res.getHeader(CORRELATION_ID_HEADER);
        if (typeof correlationId === 'string') span.setAttribute('mutuo.correlation_id', correlationId);
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
        if (res.statusCode >= 500 || !res.writableFinished)
          span.setStatus({ code: SpanStatusCode.ERROR, message: res.writableFinished ? undefined : 'aborted' });
        span.end();
      });
    }
    context.with(trace.setSpan(parent, span), next);
  };
}
