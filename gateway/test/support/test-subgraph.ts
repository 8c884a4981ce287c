import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, parse } from 'graphql';
import type { SubgraphResolverMap } from '@mutuo/platform';

export type SubgraphResolvers = SubgraphResolverMap<{ authorization?: string }>;

export interface TestSubgraph {
  name: string;
  sdl: string;
  url: string;
  /** Headers of every request that reached the GraphQL endpoint (accepted or not). */
  receivedHeaders: IncomingHttpHeaders[];
  stop(): Promise<void>;
}

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A real Federation 2 subgraph over HTTP, trusting only requests that carry the gateway's shared secret;
 * others get HTTP 403 FORBIDDEN, as from a Mutuo service (libs/platform mountSubgraph).
 */
export async function startTestSubgraph(options: {
  name: string;
  sdl: string;
  resolvers: SubgraphResolvers;
  gatewaySharedSecret: string;
}): Promise<TestSubgraph> {
  const server = new ApolloServer<{ authorization?: string }>({
    schema: buildSubgraphSchema([{ typeDefs: parse(options.sdl), resolvers: options.resolvers }]),
    logger: quietLogger,
    // Like a careless subgraph in development: stack traces in its responses, which the gateway must strip.
    includeStacktraceInErrorResponses: true,
  });
  await server.start();

  const receivedHeaders: IncomingHttpHeaders[] = [];
  const app = express();
  app.use(
    '/graphql',
    (req, _res, next) => {
      receivedHeaders.push({ ...req.headers });
      next();
    },
    express.json(),
    expressMiddleware(server, {
      context: async ({ req }) => {
        if (req.headers['x-mutuo-gateway-secret'] !== options.gatewaySharedSecret) {
          throw new GraphQLError('Subgraph only accepts requests from the Mutuo gateway', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        }
        return { authorization: req.headers.authorization };
      },
    }),
  );
  const httpServer = http.createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    name: options.name,
    sdl: options.sdl,
    url: `http://127.0.0.1:${port}/graphql`,
    receivedHeaders,
    stop: async () => {
      await server.stop();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
