import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import {
  connectableHost,
  createLogger,
  createMetricsRegistry,
  graphqlOperationMetrics,
  httpRequestMetrics,
  INTERNAL_ERROR_MESSAGE,
  JwtVerifier,
  metricsEndpoint,
  startTracing,
  traceGraphqlRequests,
  type Logger,
} from '@mutuo/platform';
import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticateCaller, type CallerAuthentication } from '../auth/authenticate-caller.middleware';
import type { GatewayContext } from '../auth/authenticate-request';
import { operationPolicyPlugin } from '../auth/operation-policy';
import type { GatewayConfig } from '../config/gateway-config';
import { gatewayErrorFormatter, INTERNAL_SERVER_ERROR } from '../errors/format-error';
import { unreportedErrorsPlugin } from '../errors/unreported-errors.plugin';
import { queryLimitProtections } from '../limits/query-limits';
import { rateLimitCallers } from '../limits/rate-limit.middleware';
import { corsForPartners } from '../partners/cors.middleware';
import { correlationIdMiddleware } from '../logging/correlation-id';
import { requestLoggingPlugin } from '../logging/request-logging.plugin';
import { SubgraphDataSource } from '../subgraphs/subgraph-data-source';
import { resolveSubgraphUrls, subgraphsOfSupergraph } from '../subgraphs/supergraph-subgraphs';

export const GRAPHQL_PATH = '/graphql';

export interface GatewayServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  port: number;
  /** Stops accepting requests, lets in-flight ones finish (up to the grace period), then closes. Idempotent. */
  stop(): Promise<void>;
}

export interface GatewayServerOptions {
  logger?: Logger;
  /** See OperationPolicyOptions.anonymousTypenameQuery: for the membership benchmark's baseline only. */
  anonymousTypenameQuery?: boolean;
}

/** The gateway cannot start; the message says why in one line. */
export class GatewayStartupError extends Error {
  override name = 'GatewayStartupError';
}

/**
 * Starts the Mutuo gateway: an Apollo Server 5 over an ApolloGateway serving the static composed supergraph,
 * on express 5 with `/graphql`, `/health/live` and `/health/ready`. Resolves once it is listening.
 */
export async function createGatewayServer(config: GatewayConfig, options: GatewayServerOptions = {}): Promise<GatewayServer> {
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  const supergraphSdl = await readSupergraph(config.supergraphPath);
  const subgraphUrls = subgraphUrlsFor(supergraphSdl, config);
  const verifier = new JwtVerifier(config.jwt);
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; Apollo's gateway spans (plan, fetch) then join each operation's trace.
  const tracing = startTracing({ service: 'gateway', variables: config.telemetry, environment: config.nodeEnv });

  let schemaLoaded = false;
  let stopping = false;
  // @apollo/gateway otherwise reports usage to Apollo and probes cloud metadata endpoints at start:
  // a mutual-aid deployment sends nothing anywhere unless its operator opts in (APOLLO_TELEMETRY_DISABLED=false).
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        url: subgraphUrls.get(name) ?? url ?? '',
        gatewaySharedSecret: config.gatewaySharedSecret,
        timeoutMs: config.subgraphTimeoutMs,
      }),
  });
  gateway.onSchemaLoadOrUpdate(() => {
    schemaLoaded = true;
  });

  const app = express();
  const httpServer = http.createServer(app);
  const metrics = createMetricsRegistry('gateway');
  const limits = queryLimitProtections(config.limits, { hideFieldSuggestions: config.isProduction });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    nodeEnv: config.nodeEnv,
    introspection: !config.isProduction,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    stopOnTerminationSignals: false,
    logger: logger.child({ component: 'apollo-server' }),
    formatError: gatewayErrorFormatter({ hideSuggestions: config.isProduction }),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGracePeriodMs }),
      config.isProduction ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
      ...limits.plugins,
      operationPolicyPlugin(logger, { anonymousTypenameQuery: options.anonymousTypenameQuery === true && !config.isProduction }),
      requestLoggingPlugin(logger),
      unreportedErrorsPlugin(logger),
      graphqlOperationMetrics(metrics),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  // Behind a load balancer, the caller's address is in X-Forwarded-For, set by that many trusted proxies.
  if (config.trustedProxyHops > 0) app.set('trust proxy', config.trustedProxyHops);
  app.use(httpRequestMetrics(metrics));
  app.use(correlationIdMiddleware);
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', (_req, res) => {
    const ready = schemaLoaded && !stopping;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : stopping ? 'stopping' : 'loading' });
  });
  // For the operators' scraper: an ingress in front of the gateway routes only /graphql (docs/operations.md).
  app.get('/metrics', metricsEndpoint(metrics, logger));
  app.use(
    GRAPHQL_PATH,
    corsForPartners(config.partners.corsOrigins),
    authenticateCaller(verifier),
    rateLimitCallers(config.partners.rateLimits),
    express.json({ limit: config.limits.maxRequestBodyBytes }),
    // Every operation starts a trace: callers are the public, they do not pick trace ids.
    traceGraphqlRequests({ tracerName: 'mutuo.gateway', continueIncomingTrace: false }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const correlationId = res.locals.correlationId as string;
        const clientIp = clientAddress(req.ip);
        // Verified by authenticateCaller; a refusal is decided once the operation is known (operationPolicyPlugin):
        // signing in works even with a stale token.
        return { correlationId, clientIp, ...(res.locals.authentication as CallerAuthentication) };
      },
    }),
  );
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(httpErrorHandler(logger, config.limits.maxRequestBodyBytes));

  try {
    await listen(httpServer, config.port, config.host);
  } catch (error) {
    await apollo.stop();
    await tracing.shutdown();
    throw new GatewayStartupError(`Cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${connectableHost(config.host)}:${port}${GRAPHQL_PATH}`;
  logger.info({ url, subgraphs: Object.fromEntries(subgraphUrls), nodeEnv: config.nodeEnv }, 'gateway listening');

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        logger.info('gateway stopping');
        // The drain plugin closes the HTTP server, letting in-flight requests finish within the grace period.
        await apollo.stop();
        await tracing.shutdown();
        logger.info('gateway stopped');
      })();
      return stopped;
    },
  };
}

async function readSupergraph(supergraphPath: string): Promise<string> {
  try {
    return await readFile(supergraphPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new GatewayStartupError(`Cannot read the supergraph at ${supergraphPath} (${reason}): run npm run compose or set SUPERGRAPH_PATH`);
  }
}

function subgraphUrlsFor(supergraphSdl: string, config: GatewayConfig): Map<string, string> {
  let subgraphs;
  try {
    subgraphs = subgraphsOfSupergraph(supergraphSdl);
  } catch (error) {
    throw new GatewayStartupError(`The supergraph at ${config.supergraphPath} is not valid GraphQL: ${(error as Error).message}`);
  }
  if (subgraphs.length === 0) {
    throw new GatewayStartupError(`The supergraph at ${config.supergraphPath} declares no subgraphs: run npm run compose`);
  }
  const { urls, unknownOverrides } = resolveSubgraphUrls(subgraphs, config.subgraphUrls);
  if (unknownOverrides.length > 0) {
    throw new GatewayStartupError(`${unknownOverrides.join(', ')} names no subgraph of the supergraph (subgraphs: ${subgraphs.map((s) => s.name).join(', ')})`);
  }
  return urls;
}

/** Failures before Apollo sees the request (body too large, malformed JSON) answered in the GraphQL error shape. */
function httpErrorHandler(logger: Logger, maxRequestBodyBytes: number) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { type, status, expose, message } = (error ?? {}) as { type?: string; status?: number; expose?: boolean; message?: string };
    const reply = (statusCode: number, errorMessage: string, code: string) =>
      res.status(statusCode).json({ errors: [{ message: errorMessage, extensions: { code } }] });

    if (type === 'entity.too.large') {
      reply(413, `Request body exceeds the limit of ${maxRequestBodyBytes} bytes`, 'PAYLOAD_TOO_LARGE');
    } else if (type === 'entity.parse.failed') {
      reply(400, 'Request body is not valid JSON', 'BAD_REQUEST');
    } else if (expose && typeof status === 'number' && status >= 400 && status < 500) {
      reply(status, message ?? 'Bad request', 'BAD_REQUEST');
    } else {
      logger.error({ err: error, correlationId: res.locals.correlationId }, 'unhandled HTTP error');
      reply(500, INTERNAL_ERROR_MESSAGE, INTERNAL_SERVER_ERROR);
    }
  };
}

/** Plain IPv4 for IPv4 callers on a dual-stack socket (`::ffff:203.0.113.5`). */
function clientAddress(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
