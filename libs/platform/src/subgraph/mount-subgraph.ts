import { isIP } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { INestApplication } from '@nestjs/common';
import express, { ErrorRequestHandler, RequestHandler } from 'express';
import type { DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import { AuthenticationError } from '../auth/authentication-error';
import { bearerTokenFrom, JwtVerifier } from '../auth/jwt-verifier';
import { contextForIdentity, correlationIdFrom, Identity, RequestContext, requestContext } from '../context/request-context';
import { traceGraphqlRequests } from '../telemetry/trace-graphql-requests';
import { graphqlOperationMetrics } from '../metrics/graphql-metrics';
import type { MetricsRegistry } from '../metrics/metrics';
import { formatSubgraphError } from './format-error';
import { refuseUnsafeText } from './refuse-unsafe-text';
import { CLIENT_IP_HEADER, CORRELATION_ID_HEADER, GATEWAY_SECRET_HEADER, secretsMatch } from './gateway-secret';
import type { SubgraphResolverMap } from './resolver-map';
import type { SubgraphContext } from './subgraph-context';

export const GATEWAY_ONLY_MESSAGE = 'Subgraph only accepts requests from the Mutuo gateway';

export interface SubgraphOptions {
  /** Federation 2 SDL (with `@link(url: "https://specs.apollo.dev/federation/v2.x")`). */
  readonly typeDefs: DocumentNode;
  readonly resolvers: SubgraphResolverMap<SubgraphContext>;
  /** GATEWAY_SHARED_SECRET: requests without it in `x-mutuo-gateway-secret` are refused. */
  readonly sharedSecret: string;
  readonly verifier: JwtVerifier;
  readonly logger: Logger;
  readonly path?: string;
  /** NODE_ENV=production in the service's validated config: schema details stay hidden, introspection defaults to off. */
  readonly production?: boolean;
  /** Defaults to on, except in production. */
  readonly introspection?: boolean;
  /** Largest accepted request body (express `limit` syntax). */
  readonly bodyLimit?: string;
  /** Where to time each operation (mutuo_graphql_operation_duration_seconds); no operation metrics when left out. */
  readonly metrics?: MetricsRegistry;
}

export interface MountedSubgraph {
  readonly server: ApolloServer<SubgraphContext>;
  readonly path: string;
}

interface ResponseLocals {
  mutuoContext?: RequestContext;
}

/**
 * Serves a Federation 2 subgraph on the Nest app's express instance. Call it before
 * `app.listen()` / `app.init()`: Nest adds its catch-all 404 handler when it initialises.
 */
export async function mountSubgraph(app: INestApplication, options: SubgraphOptions): Promise<MountedSubgraph> {
  if ((app as unknown as { isInitialized?: boolean }).isInitialized) {
    throw new Error('mountSubgraph must be called before app.init() or app.listen()');
  }
  const adapter = app.getHttpAdapter();
  if (adapter.getType() !== 'express') throw new Error('mountSubgraph needs the NestJS express platform');
  if (options.sharedSecret.length === 0) throw new Error('mountSubgraph needs a non-empty sharedSecret');

  const path = options.path ?? '/graphql';
  const logger = options.logger;
  const production = options.production ?? false;
  const server = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers as SubgraphResolverMap }),
    introspection: options.introspection ?? !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError: formatSubgraphError(logger),
    // Shutdown belongs to installGracefulShutdown; Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
    // Inline traces would carry unmasked error messages to the gateway.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      refuseUnsafeText(),
      ...(options.metrics ? [graphqlOperationMetrics(options.metrics)] : []),
    ],
    logger: logger.child({ component: 'apollo' }),
  });
  await server.start();

  const expressApp = adapter.getInstance() as express.Express;
  expressApp.use(
    path,
    onlyFromGateway(options.sharedSecret),
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    rejectUnreadableBody,
    // Behind the gateway secret: the trace the gateway began continues here.
    traceGraphqlRequests({ tracerName: 'mutuo.subgraph', continueIncomingTrace: true }),
    authenticate(options.verifier, logger),
    expressMiddleware(server, {
      context: async ({ res }) => {
        const context = (res.locals as ResponseLocals).mutuoContext!;
        return { ...context, logger };
      },
    }),
  );
  // Nest closes the HTTP server on app.close(); Apollo stops with it.
  app.getHttpServer().once('close', () => {
    server.stop().catch((error: unknown) => logger.error({ err: error }, 'Stopping the GraphQL server failed'));
  });
  logger.info({ path }, 'GraphQL subgraph mounted');
  return { server, path };
}

function graphqlErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function onlyFromGateway(sharedSecret: string): RequestHandler {
  return (req, res, next) => {
    if (secretsMatch(req.get(GATEWAY_SECRET_HEADER), sharedSecret)) return next();
    res.status(403).json(graphqlErrorBody(GATEWAY_ONLY_MESSAGE, 'FORBIDDEN'));
  };
}

/** Without this, express's default handler would answer malformed JSON with an HTML page and a stack. */
const rejectUnreadableBody: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, _next) => {
  const tooLarge = error.type === 'entity.too.large';
  res.status(tooLarge ? 413 : 400).json(graphqlErrorBody(tooLarge ? 'Request body is too large' : 'Request body must be valid JSON', 'BAD_REQUEST'));
};

/**
 * Verifies the forwarded bearer token (if any) and runs the rest of the request inside its
 * RequestContext, so resolvers, logs and outgoing messages all see the same identity and ids.
 */
function authenticate(verifier: JwtVerifier, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const correlationId = correlationIdFrom(req.get(CORRELATION_ID_HEADER));
    res.setHeader(CORRELATION_ID_HEADER, correlationId);
    let identity: Identity | undefined;
    try {
      const token = bearerTokenFrom(req.get('authorization'));
      identity = token === undefined ? undefined : await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) {
        logger.error({ err: error, correlationId }, 'Token verification failed unexpectedly');
        res.status(500).json(graphqlErrorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
        return;
      }
      logger.info({ correlationId, reason: error.reason }, 'Refused a request with an invalid token');
      res.status(401).json(graphqlErrorBody(error.message, 'UNAUTHENTICATED'));
      return;
    }
    // Only reached after the gateway secret matched, so the header is the gateway's word, not the caller's.
    const clientIp = req.get(CLIENT_IP_HEADER);
    const context: RequestContext = {
      ...contextForIdentity(identity, correlationId),
      ...(clientIp && isIP(clientIp) ? { clientIp } : {}),
    };
    (res.locals as ResponseLocals).mutuoContext = context;
    requestContext.run(context, () => next());
  };
}
