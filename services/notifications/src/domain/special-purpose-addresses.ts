import { isIP } from 'node:net';

/**
 * Addresses a partner webhook must never reach: the IANA IPv4 and IPv6 special-purpose address registries (loopback,
 * private, shared, link-local, documentation, benchmarking, multicast, reserved, ...). IPv6 forms that embed an IPv4
 * address (mapped, NAT64, 6to4) are judged by the address they embed; the deprecated IPv4-compatible ::/96 is refused.
 */
const IPV4_SPECIAL: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // direct delegation AS112 service
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including the limited broadcast 255.255.255.255
];

const IPV6_SPECIAL: readonly (readonly [string, number])[] = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible addresses
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['2620:4f:8000::', 48], // direct delegation AS112 service
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing (SRv6) SIDs
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

/** IPv6 prefixes whose low bits carry an IPv4 address: [prefix, length, offset of the IPv4 address in bits]. */
const IPV4_EMBEDDING: readonly (readonly [string, number, number])[] = [
  ['::ffff:0:0', 96, 96], // IPv4-mapped
  ['64:ff9b::', 96, 96], // well-known NAT64 prefix
  ['2002::', 16, 16], // 6to4
];

function ipv4Number(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function ipv6Number(address: string): bigint {
  let text = address;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4Number(dotted[2]!);
    text = `${dotted[1]}${Math.floor(value / 65_536).toString(16)}:${(value % 65_536).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function inIpv4Range(value: number, [base, bits]: readonly [string, number]): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(value / size) === Math.floor(ipv4Number(base) / size);
}

function inIpv6Range(value: bigint, base: string, bits: number): boolean {
  const shift = BigInt(128 - bits);
  return value >> shift === ipv6Number(base) >> shift;
}

function ipv4FromBits(value: bigint, offset: number): string {
  const embedded = Number((value >> BigInt(128 - offset - 32)) & 0xffffffffn);
  return [24, 16, 8, 0].map((shift) => (embedded >>> shift) & 255).join('.');
}

/** True for an address (IPv4 or IPv6, with or without brackets or a zone) a webhook must not reach; false for names. */
export function isSpecialPurposeAddress(address: string): boolean {
  const bare = address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  const family = isIP(bare);
  if (family === 4) {
    const value = ipv4Number(bare);
    return IPV4_SPECIAL.some((range) => inIpv4Range(value, range));
  }
  if (family !== 6) return false;
  const value = ipv6Number(bare);
  for (const [prefix, bits, offset] of IPV4_EMBEDDING) {
    if (inIpv6Range(value, prefix, bits)) return isSpecialPurposeAddress(ipv4FromBits(value, offset));
  }
  return IPV6_SPECIAL.some(([base, bits]) => inIpv6Range(value, base, bits));
}
