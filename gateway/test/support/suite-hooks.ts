import { startGateway, startSubgraphs, type RunningGateway, type Subgraphs } from './gateway-fixture';
import { signTestToken } from './tokens';

/** The two test subgraphs and a member's token, shared by the tests of one describe block. */
export interface SubgraphSuite {
  readonly subgraphs: Subgraphs;
  readonly token: string;
}

/** Starts the test subgraphs and signs a member's token before the enclosing describe block; stops them after it. */
export function useSubgraphsAndToken(): SubgraphSuite {
  const suite = {} as { subgraphs: Subgraphs; token: string };

  beforeAll(async () => {
    suite.subgraphs = await startSubgraphs();
    suite.token = await signTestToken();
  });

  afterAll(async () => {
    await suite.subgraphs?.stop();
  });

  return suite;
}

/** Starts a gateway over the suite's subgraphs, with `env`, for the enclosing describe block; stops it after it. */
export function useGateway(suite: SubgraphSuite, env: Record<string, string> = {}): { readonly gateway: RunningGateway } {
  const handle = {} as { gateway: RunningGateway };

  beforeAll(async () => {
    handle.gateway = await startGateway(suite.subgraphs, env);
  });

  afterAll(async () => {
    await handle.gateway?.stop();
  });

  return handle;
}
