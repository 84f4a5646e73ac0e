import dns from "node:dns";
import net, { type LookupFunction } from "node:net";
import os from "node:os";

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

/**
 * The machine's own interface addresses (with the default HOST=0.0.0.0 the server answers on every
 * one of them, so a webhook to the host's own address would reach the server itself). Read from
 * os.networkInterfaces() and kept for a few seconds: interfaces change rarely, lookups often.
 */
export interface OwnAddresses {
  v4: ReadonlySet<number>;
  /** Canonical eight-group keys ("0:0:…:1"), zone ids dropped. */
  v6: ReadonlySet<string>;
}

const OWN_TTL_MS = 5_000;
let ownCache: { at: number; value: OwnAddresses } | null = null;

export function ownAddresses(now = Date.now()): OwnAddresses {
  if (ownCache && now - ownCache.at < OWN_TTL_MS) return ownCache.value;
  const v4s = new Set<number>();
  const v6s = new Set<string>();
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) {
      const v = parseV4(a.address);
      if (v !== null) v4s.add(v);
      const g = v === null ? parseV6(a.address) : null;
      if (g) v6s.add(g.join(":"));
    }
  ownCache = { at: now, value: { v4: v4s, v6: v6s } };
  return ownCache.value;
}

interface Policy {
  allowPrivate: boolean;
  own: OwnAddresses;
}

function checkV4(value: number, p: Policy): string | null {
  if (V4_METADATA.has(value)) return "cloud metadata";
  if (p.allowPrivate) return null;
  return V4_PRIVATE.find((r) => inRange(value, r))?.[2] ?? (p.own.v4.has(value) ? OWN : null);
}

const OWN = "this host's own address";

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

/** The 16 bytes of an address given as eight groups. */
const bytesOf = (g: number[]) => g.flatMap((x) => [x >>> 8, x & 0xff]);
const v4At = (b: number[], i: number[]) => v4(b[i[0]!]!, b[i[1]!]!, b[i[2]!]!, b[i[3]!]!);

/**
 * Every IPv4 address an IPv6 address carries, by the standard embeddings (RFC 4291, 6052, 6145,
 * 3056, 4380, 5214, 8215). Each is judged by the IPv4 policy: an IPv6 form is never a way around it.
 */
function embeddedV4(g: number[]): number[] {
  const b = bytesOf(g);
  const last = v4At(b, [12, 13, 14, 15]);
  const zeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  const out: number[] = [];
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, IPv4-compatible ::a.b.c.d.
  if (zeroUntil(5) && g[5] === 0xffff) out.push(last);
  if (zeroUntil(4) && g[4] === 0xffff && g[5] === 0) out.push(last);
  if (zeroUntil(6)) out.push(last);
  // Well-known NAT64 prefix 64:ff9b::/96.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) out.push(last);
  // Local-use NAT64 64:ff9b:1::/48: the operator picks the prefix length, so every RFC 6052 layout.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1)
    out.push(v4At(b, [6, 7, 9, 10]), v4At(b, [7, 9, 10, 11]), v4At(b, [9, 10, 11, 12]), last);
  // 6to4 2002:AABB:CCDD::/48.
  if (g[0] === 0x2002) out.push(v4At(b, [2, 3, 4, 5]));
  // Teredo 2001:0::/32: the server's address, and the client's (stored inverted) in the last 32 bits.
  if (g[0] === 0x2001 && g[1] === 0) out.push(v4At(b, [4, 5, 6, 7]), ~last >>> 0);
  // ISATAP interface identifier ::0:5efe:a.b.c.d (or 200:5efe, universal bit set), any prefix.
  if ((g[4]! & 0xfcff) === 0 && g[5] === 0x5efe) out.push(last);
  return out;
}

function checkV6(g: number[], p: Policy): string | null {
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254)
    return "cloud metadata";
  const zeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  const special = zeroUntil(7) && (g[7] === 0 || g[7] === 1);
  // Not globally reachable (RFC 8215): only a private network translates it.
  if (!p.allowPrivate && g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return "local-use NAT64";
  if (!special)
    for (const embedded of embeddedV4(g)) {
      const reason = checkV4(embedded, p);
      if (reason) return reason;
    }
  if (p.allowPrivate) return null;
  if (special) return g[7] === 1 ? "loopback" : "unspecified";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local";
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return "discard";
  if (p.own.v6.has(g.join(":"))) return OWN;
  return null;
}

/** Why an IP address may not be connected to, or null when it may. Non-IPs are refused. */
export function blockedReason(
  address: string,
  allowPrivate: boolean,
  own: OwnAddresses = ownAddresses(),
): string | null {
  const family = net.isIP(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  const policy = { allowPrivate, own };
  if (family === 4) return checkV4(parseV4(address)!, policy);
  if (family === 6) {
    const groups = parseV6(address);
    return groups ? checkV6(groups, policy) : "unparseable address";
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

/** How long saving a destination waits for its host name to resolve (see docs/delivery.md). */
export const SAVE_LOOKUP_TIMEOUT_MS = 3_000;

export type LookupAll = (hostname: string) => Promise<{ address: string }[]>;

export type EndpointCheck =
  | { status: "ok" }
  /** The URL is refused: an IP literal or a resolved address is in a blocked range. */
  | { status: "blocked"; reason: string; message: string }
  /** The name did not resolve (or not in time): nothing to judge yet; delivery checks it again. */
  | { status: "unresolved"; message: string };

const systemLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * The save-time twin of the delivery guard: the same policy applied to a URL before it is stored,
 * so a console user hears "blocked" when saving rather than from a failed delivery. Resolution
 * uses the system resolver (like deliveries, so /etc/hosts counts) and gives up after
 * `timeoutMs`; a name that does not resolve is reported, not refused. Deliveries still check
 * every connection, so a name that later resolves somewhere private is refused then.
 */
export async function checkEndpoint(
  raw: string,
  opts: { allowPrivate: boolean; timeoutMs?: number; lookup?: LookupAll; own?: OwnAddresses },
): Promise<EndpointCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { status: "ok" }; // not a URL: the settings validator reports it
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const judge = (address: string) => blockedReason(address, opts.allowPrivate, opts.own ?? ownAddresses());
  const refuse = (address: string, reason: string): EndpointCheck => ({
    status: "blocked",
    reason,
    message: `${address === host ? `${host} is` : `${host} resolves to ${address},`} an address deliveries may not reach (${reason}).${
      reason === "cloud metadata"
        ? ""
        : " Use a public address (on a private network the server's administrator can set ALLOW_PRIVATE_DESTINATIONS=true)."
    }`,
  });
  if (net.isIP(host) !== 0) {
    const reason = judge(host);
    return reason ? refuse(host, reason) : { status: "ok" };
  }
  const timeoutMs = opts.timeoutMs ?? SAVE_LOOKUP_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    timer.unref?.();
  });
  try {
    const answer = await Promise.race([(opts.lookup ?? systemLookup)(host), timeout]);
    if (answer === "timeout")
      return {
        status: "unresolved",
        message: `${host} did not resolve within ${timeoutMs / 1000} s; saved anyway, and every delivery checks its address again.`,
      };
    for (const { address } of answer) {
      const reason = judge(address);
      if (reason) return refuse(address, reason);
    }
    return answer.length
      ? { status: "ok" }
      : { status: "unresolved", message: `${host} has no addresses; deliveries will fail until it does.` };
  } catch (err) {
    const code = (err as { code?: string }).code ?? "lookup failed";
    return {
      status: "unresolved",
      message: `${host} does not resolve (${code}); saved anyway, deliveries will fail until it resolves to a public address.`,
    };
  } finally {
    clearTimeout(timer);
  }
}
