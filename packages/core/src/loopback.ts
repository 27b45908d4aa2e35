const LOOPBACK_IPV4 =
  /^127\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Whether `hostname` (as `URL#hostname` spells it, IPv6 in brackets, or bare) is this machine:
 * `localhost` and its subdomains, 127.0.0.0/8, or `::1` in any spelling.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (LOOPBACK_IPV4.test(host)) return true;
  const v6 = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIpv6Loopback(v6);
}

/** `::1` however written (`0:0:0:0:0:0:0:1`, `::0:1`, …); IPv4-mapped forms are not loopback here. */
function isIpv6Loopback(text: string): boolean {
  if (!/^[0-9a-f:]+$/.test(text)) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const written = [...head, ...tail];
  if (written.some((g) => g.length === 0 || g.length > 4)) return false;
  if (halves.length === 1 ? written.length !== 8 : written.length > 7) return false;
  const all = [...head, ...Array<string>(8 - written.length).fill('0'), ...tail];
  return all.every((g, i) => parseInt(g, 16) === (i === 7 ? 1 : 0));
}
