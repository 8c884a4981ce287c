import { existsSync } from 'node:fs';
import { PrivatePostgres, queryDatabase } from '../src';

describe('PrivatePostgres', () => {
  it('runs a cluster of its own that can be stopped (connections refused) and started again with its data', async () => {
    const cluster = await PrivatePostgres.start();
    expect(existsSync(cluster.directory)).toBe(true);
    try {
      await queryDatabase(cluster.url(), 'create table survivor (id int)');
      await queryDatabase(cluster.url(), 'insert into survivor values (42)');

      await cluster.stop();
      expect(cluster.isRunning).toBe(false);
      await expect(queryDatabase(cluster.url(), 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      await cluster.restart();
      await expect(queryDatabase(cluster.url(), 'select id from survivor')).resolves.toEqual([{ id: 42 }]);
    } finally {
      await cluster.destroy();
    }
    await expect(queryDatabase(cluster.url(), 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(existsSync(cluster.directory)).toBe(false);
  }, 90_000);
});
