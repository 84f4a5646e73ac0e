import dns from "node:dns";
import net, { type LookupFunction } from "node:net";

// Which addresses deliveries may connect to. Checked on the address the socket will actually
// use (a custom lookup on the HTTP agent), so a host name cannot pass the check and then
// resolve somewhere else (DNS rebinding). IP literals skip lookup in node:net, so callers also
// check them up front with checkUrlHost. Cloud metadata endpoints stay blocked even when
// ALLOW_PRIVATE_DESTINATIONS is on: they hold credentials and nothing legitimate lives there.

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKEDADDRESS";
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host} resolves to ${address} (${reason}), which deliveries may not reach`);
  }
}

type Range = [base: number, bits: number, reason: string];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const V4_METADATA = new Set([v4(169, 254, 169, 254), v4(169, 254, 170, 2), v4(100, 100, 100, 200)]);
const V4_PRIVATE: Range[] = [
  [v4(0, 0, 0, 0), 8, "this network"],
  [v4(10, 0, 0, 0), 8, "private"],
  [v4(100, 64, 0, 0), 10, "carrier-grade NAT"],
  [v4(127, 0, 0, 0), 8, "loopback"],
  [v4(169, 254, 0, 0), 16, "link-local"],
  [v4(172, 16, 0, 0), 12, "private"],
  [v4(192, 0, 0, 0), 24, "IETF protocol assignments"],
  [v4(192, 168, 0, 0), 16, "private"],
  [v4(198, 18, 0, 0), 15, "benchmarking"],
  [v4(224, 0, 0, 0), 4, "multicast"],
  [v4(240, 0, 0, 0), 4, "reserved"],
];

function inRange(value: number, [base, bits]: Range): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === base;
}

function checkV4(value: number, allowPrivate: boolean): string | null {
  if (V4_METADATA.has(value)) return "cloud metadata";
  if (allowPrivate) return null;
  return V4_PRIVATE.find((r) => inRange(value, r))?.[2] ?? null;
}

function parseV4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return null;
  return v4(Number(parts[0]), Number(parts[1]), Number(parts[2]), Number(parts[3]));
}

/** Eight 16-bit groups, or null. Accepts "::", zone ids and a trailing dotted IPv4. */
function parseV6(text: string): number[] | null {
  let s = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const tail: number[] = [];
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const value = parseV4(dotted[2]!);
    if (value === null) return null;
    tail.push(value >>> 16, value & 0xffff);
    s = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) =>
    h === "" ? [] : h.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - rest.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const all = [...head, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...rest, ...tail];
  return all.length === 8 && all.every((g) => Number.isInteger(g)) ? all : null;
}

function checkV6(g: number[], allowPrivate: boolean): string | null {
  const embedded = (hi: number, lo: number) => checkV4(((hi << 16) | lo) >>> 0, allowPrivate);
  const zeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16).
  if (zeroUntil(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6]!, g[7]!);
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!);
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254)
    return "cloud metadata";
  if (allowPrivate) return null;
  if (zeroUntil(7) && (g[7] === 0 || g[7] === 1)) return g[7] === 1 ? "loopback" : "unspecified";
  if (zeroUntil(6)) return embedded(g[6]!, g[7]!);
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local";
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return "discard";
  return null;
}

/** Why an IP address may not be connected to, or null when it may. Non-IPs are refused. */
export function blockedReason(address: string, allowPrivate: boolean): string | null {
  const family = net.isIP(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  if (family === 4) return checkV4(parseV4(address)!, allowPrivate);
  if (family === 6) {
    const groups = parseV6(address);
    return groups ? checkV6(groups, allowPrivate) : "unparseable address";
  }
  return "not an IP address";
}

/** Refuses a URL whose host is an IP literal in a blocked range (node:net skips lookup for those). */
export function checkUrlHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host) === 0) return;
  const reason = blockedReason(host, allowPrivate);
  if (reason) throw new BlockedAddressError(url.hostname, host, reason);
}

/** A dns.lookup for http(s).Agent that refuses the host if any of its addresses is blocked. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as (e: Error) => void)(err);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const reason = blockedReason(a.address, allowPrivate);
        if (reason)
          return (callback as (e: Error) => void)(new BlockedAddressError(hostname, a.address, reason));
      }
      if (list.length === 0)
        return (callback as (e: Error) => void)(
          Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" }),
        );
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      (callback as (e: null, a: string, f: number) => void)(null, list[0]!.address, list[0]!.family);
    });
  };
}
