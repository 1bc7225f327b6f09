import { BlockList, isIP } from 'node:net';

// Which addresses the domain proof may connect to: public unicast only. An applicant
// names the domain, so an applicant chooses where its name points; without this rule the
// service would fetch from its own machine, its network, or a cloud's metadata service
// (169.254.169.254) on anyone's behalf.

export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'not-global';

type Rule = [address: string, prefix: number, type: 'ipv4' | 'ipv6', kind: Exclude<AddressClass, 'public'>];

/** IANA's special-purpose registries, the parts that are not the public Internet. */
const RULES: readonly Rule[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  // 240/4 holds the limited broadcast address 255.255.255.255.
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fc00::', 7, 'ipv6', 'unique-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  // Teredo, ORCHID, 6to4: tunnels and overlays that carry another address inside.
  ['2001::', 32, 'ipv6', 'not-global'],
  ['2001:10::', 28, 'ipv6', 'not-global'],
  ['2001:20::', 28, 'ipv6', 'not-global'],
  ['2002::', 16, 'ipv6', 'not-global'],
];

const LISTS = new Map<Exclude<AddressClass, 'public'>, BlockList>();
for (const [address, prefix, type, kind] of RULES) {
  let list = LISTS.get(kind);
  if (!list) {
    list = new BlockList();
    LISTS.set(kind, list);
  }
  list.addSubnet(address, prefix, type);
}

/** Global unicast IPv6 (2000::/3); NAT64 (64:ff9b::/96) and every other range are outside it. */
const GLOBAL_IPV6 = new BlockList();
GLOBAL_IPV6.addSubnet('2000::', 3, 'ipv6');

/** The IPv4 address inside `::ffff:a.b.c.d` or `::ffff:xxxx:xxxx`, or null. */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (dotted) return dotted[1] as string;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** What kind of address this is; anything but `public` must never be connected to. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] as string;
  const version = isIP(bare);
  if (version === 0) return 'reserved';
  // An IPv4-mapped IPv6 address reaches the IPv4 address it holds: judge that one.
  const mapped = version === 6 ? mappedIpv4(bare) : null;
  const type = version === 4 || mapped ? 'ipv4' : 'ipv6';
  const subject = mapped ?? bare;
  for (const [kind, list] of LISTS) {
    if (list.check(subject, type)) return kind;
  }
  if (type === 'ipv6' && !GLOBAL_IPV6.check(subject, 'ipv6')) return 'not-global';
  return 'public';
}

export const isPublicAddress = (address: string) => classifyAddress(address) === 'public';
