import { createServer } from 'node:net';
import { migrateService } from '../src';
import { kitService } from './fixtures/kit-service';

/** A port nothing listens on: connecting is refused, as while a database container is still starting. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('migrateService when the database cannot be reached', () => {
  it('retries a refused connection for its patience, then fails with that error', async () => {
    const port = await closedPort();
    const url = `postgres://postgres@127.0.0.1:${port}/mutuo_kit`;
    const startedAt = Date.now();
    await expect(migrateService(kitService, { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_ADMIN_URL: url, DATABASE_URL: url }, 3_000)).rejects.toThrow(
      /ECONNREFUSED/,
    );
    // Pauses of 0.5 s then 1 s: at least two retries before the next pause would pass the patience.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_400);
  });

  it('fails at once on an error that waiting does not cure', async () => {
    const url = 'postgres://postgres@mutuo-no-such-host.invalid:5432/mutuo_kit';
    const startedAt = Date.now();
    await expect(migrateService(kitService, { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_ADMIN_URL: url, DATABASE_URL: url }, 60_000)).rejects.toThrow(
      /ENOTFOUND/,
    );
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });
});
