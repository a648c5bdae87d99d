import { isIPv6 } from 'net';

/** Parses an IPv4 CIDR; returns the prefix length, or undefined when the text is not a canonical CIDR. */
export function parseIpv4Cidr(text: string): { prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) return undefined; // host bits set: ambiguous network
  return { prefix };
}

/**
 * Parses an IPv6 CIDR, full or compressed (`2001:db8::/32`; no zone, no embedded IPv4); returns the prefix length,
 * or undefined when the text is not a network with its host bits zero.
 */
export function parseIpv6Cidr(text: string): { prefix: number } | undefined {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  if (!match || !isIPv6(match[1])) return undefined;
  const prefix = Number(match[2]);
  if (prefix > 128) return undefined;
  const [head, tail] = match[1].split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = tail === undefined ? 0 : 8 - groups(head).length - groups(tail).length;
  const bits = [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)]
    .map((group) => parseInt(group, 16).toString(2).padStart(16, '0'))
    .join('');
  return bits.slice(prefix).includes('1') ? undefined : { prefix };
}

/** An IPv4 or IPv6 CIDR with its IP version (a WAF IP set holds one version); undefined when it is neither. */
export function parseCidr(text: string): { version: 4 | 6; prefix: number } | undefined {
  const v4 = parseIpv4Cidr(text);
  if (v4) return { version: 4, ...v4 };
  const v6 = parseIpv6Cidr(text);
  return v6 && { version: 6, ...v6 };
}
