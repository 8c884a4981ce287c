import { connectableHost } from './listen-host';

describe('connectableHost', () => {
  it('turns the wildcard addresses a server listens on into loopback', () => {
    expect(['0.0.0.0', '::', '[::]', ''].map(connectableHost)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('keeps a named host or address, bracketing IPv6 for URLs', () => {
    expect(['127.0.0.1', 'membership.mutuo.svc', '::1', '[::1]'].map(connectableHost)).toEqual(['127.0.0.1', 'membership.mutuo.svc', '[::1]', '[::1]']);
  });
});
