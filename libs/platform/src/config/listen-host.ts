/**
 * Where services and the gateway listen unless HOST says otherwise: every interface, which is what a container needs
 * (its port is reached through the container's own address). `npm run up` and the tests set HOST=127.0.0.1.
 */
export const DEFAULT_LISTEN_HOST = '0.0.0.0';

/**
 * A host this machine can connect to for a server listening on `host`: the wildcard addresses (0.0.0.0, ::, empty)
 * accept connections on loopback, so they become 127.0.0.1; an IPv6 address gets its URL brackets.
 */
export function connectableHost(host: string): string {
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
