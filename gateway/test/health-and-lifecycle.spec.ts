import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@mutuo/platform';
import { composeSupergraph } from '../src/compose/compose-supergraph';
import { loadGatewayConfig } from '../src/config/gateway-config';
import { createGatewayServer, GatewayStartupError } from '../src/server/gateway.server';
import { startGateway, startSubgraphs, TEST_GATEWAY_SECRET, type RunningGateway, type Subgraphs } from './support/gateway-fixture';
import { signTestToken } from './support/tokens';

describe('gateway health and lifecycle', () => {
  let subgraphs: Subgraphs;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
  });

  afterAll(async () => {
    await subgraphs?.stop();
  });

  describe('while running', () => {
    let gateway: RunningGateway;
    let origin: string;

    beforeAll(async () => {
      gateway = await startGateway(subgraphs);
      origin = new URL(gateway.url).origin;
    });

    afterAll(async () => {
      await gateway?.stop();
    });

    it('reports liveness without authentication', async () => {
      const response = await fetch(`${origin}/health/live`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('reports readiness once the supergraph is loaded', async () => {
      const response = await fetch(`${origin}/health/ready`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready' });
    });

    it('answers unknown paths with a JSON 404', async () => {
      const response = await fetch(`${origin}/admin`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    });
  });

  it('finishes in-flight operations on stop, then refuses new connections', async () => {
    const gateway = await startGateway(subgraphs);
    const token = await signTestToken();

    const inFlight = gateway.query({ query: '{ slowEcho(message: "still answered", delayMs: 300) }', token });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await gateway.stop();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { slowEcho: 'still answered' } });
    await expect(fetch(`${new URL(gateway.url).origin}/health/live`)).rejects.toThrow();
    expect(gateway.logs.map((log) => log.msg)).toEqual(expect.arrayContaining(['gateway stopping', 'gateway stopped']));
  });

  describe('refuses to start', () => {
    let directory: string;
    const silent = createLogger('gateway', 'silent');

    beforeAll(async () => {
      directory = await mkdtemp(path.join(tmpdir(), 'mutuo-gateway-start-'));
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    const configWith = (env: Record<string, string>) =>
      loadGatewayConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET, ...env });

    it('without a supergraph file, saying where it looked and how to produce it', async () => {
      const missing = path.join(directory, 'nowhere.graphql');

      await expect(createGatewayServer(configWith({ SUPERGRAPH_PATH: missing }), { logger: silent })).rejects.toThrow(
        new GatewayStartupError(`Cannot read the supergraph at ${missing} (ENOENT): run npm run compose or set SUPERGRAPH_PATH`),
      );
    });

    it('when a SUBGRAPH_<NAME>_URL override names no subgraph of the supergraph', async () => {
      const composition = composeSupergraph([
        { name: 'members', sdl: subgraphs.members.sdl, url: subgraphs.members.url },
        { name: 'requests', sdl: subgraphs.requests.sdl, url: subgraphs.requests.url },
      ]);
      const supergraphPath = path.join(directory, 'supergraph.graphql');
      await writeFile(supergraphPath, composition.supergraphSdl ?? '');

      await expect(
        createGatewayServer(configWith({ SUPERGRAPH_PATH: supergraphPath, SUBGRAPH_REQUETS_URL: 'http://127.0.0.1:4102/graphql' }), {
          logger: silent,
        }),
      ).rejects.toThrow('SUBGRAPH_REQUETS_URL names no subgraph of the supergraph (subgraphs: members, requests)');
    });
  });
});
