import { natsServers } from './nats-connection';

describe('natsServers', () => {
  it('takes the credentials out of the server URLs, since the client ignores them there', () => {
    expect(natsServers('nats://matching:p%40ss:w@n1:4222, nats://matching:p%40ss:w@n2:4222')).toEqual({
      servers: ['nats://n1:4222', 'nats://n2:4222'],
      credentials: { user: 'matching', pass: 'p@ss:w' },
    });
    expect(natsServers('tls://s3cret-token@n1:4222')).toEqual({ servers: ['tls://n1:4222'], credentials: { token: 's3cret-token' } });
    expect(natsServers('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'], credentials: {} });
  });

  it('refuses servers with different credentials', () => {
    expect(() => natsServers('nats://a:1@n1:4222,nats://b:2@n2:4222')).toThrow(/different credentials/);
  });
});
