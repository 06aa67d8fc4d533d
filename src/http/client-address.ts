import { BlockList, isIP } from 'node:net';

/**
 * The proxies (TRUSTED_PROXIES) whose X-Forwarded-For is believed. Anyone can write that header, so it is read
 * only from a connection that comes from one of these, and only as far back as the hops are trusted.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  trusts(address: string): boolean {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/**
 * The address of the client a request comes from: the socket's peer, or, when that peer is a trusted proxy, the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (entries to its left were written by the
 * client and prove nothing). If every hop is trusted, the left-most one.
 */
export function clientAddress(req: { header(name: string): string | undefined; socket: { remoteAddress?: string } }, proxies: TrustedProxies): string | undefined {
  const peer = req.socket.remoteAddress;
  if (!peer || proxies.empty || !proxies.trusts(peer)) return peer && unmapped(peer);
  const hops = (req.header('x-forwarded-for') ?? '').split(',').map((h) => stripPort(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(unmapped(hop)) === 0) return unmapped(peer); // a malformed entry: believe nothing beyond it
    if (!proxies.trusts(hop)) return unmapped(hop);
  }
  return hops[0] ? unmapped(hops[0]) : unmapped(peer);
}

/**
 * The key a client is limited by: its IPv4 address, or its IPv6 /64 (one household or phone gets a whole
 * /64, so single IPv6 addresses would cost an attacker nothing).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const plain = unmapped(address);
  if (!plain.includes(':')) return plain;
  const [head = '', tail = ''] = plain.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = plain.includes('::') && tail ? tail.split(':') : [];
  const groups = plain.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function unmapped(address: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
}

/** "203.0.113.7:4711" and "[2001:db8::1]:4711" as some proxies write them. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}
