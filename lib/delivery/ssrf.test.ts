import { afterEach, describe, expect, it } from "vitest";
import { createAgents, send } from "@/lib/delivery/http/client";
import { blockedReason, checkUrlHost } from "@/lib/delivery/http/ssrf";
import { archive, outcomes, track, until } from "@/lib/delivery/testing/fixtures";
import { type Harness, harness } from "@/lib/delivery/testing/harness";
import { type Sink, startSink } from "@/lib/delivery/testing/sink";

// No SSRF: deliveries never reach private, loopback, link-local, CGNAT, unique-local, multicast
// or cloud-metadata addresses unless ALLOW_PRIVATE_DESTINATIONS is on (metadata: never).

const BLOCKED = [
  ["127.0.0.1", "loopback"],
  ["127.255.0.9", "loopback"],
  ["10.1.2.3", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["169.254.10.10", "link-local"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["100.127.255.255", "carrier-grade NAT"],
  ["0.0.0.0", "this network"],
  ["0.1.2.3", "this network"],
  ["224.0.0.251", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "reserved"],
  ["169.254.169.254", "cloud metadata"],
  ["::1", "loopback"],
  ["::", "unspecified"],
  ["fe80::1", "link-local"],
  ["febf::1", "link-local"],
  ["fc00::1", "unique-local"],
  ["fd12:3456::1", "unique-local"],
  ["ff02::1", "multicast"],
  ["fd00:ec2::254", "cloud metadata"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:10.0.0.1", "private"],
  ["::ffff:169.254.169.254", "cloud metadata"],
  ["::ffff:a9fe:a9fe", "cloud metadata"],
  ["64:ff9b::7f00:1", "loopback"],
  ["2002:c0a8:0101::1", "private"],
  ["::127.0.0.1", "loopback"],
] as const;

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "172.32.0.1",
  "100.128.0.1",
  "192.169.0.1",
  "2606:4700:4700::1111",
  "::ffff:8.8.8.8",
];

let h: Harness | undefined;
let s: Sink | undefined;
afterEach(async () => {
  await h?.close();
  await s?.close();
  h = undefined;
  s = undefined;
});

describe("SSRF policy", () => {
  it.each(BLOCKED)("refuses %s (%s)", (address, reason) => {
    expect(blockedReason(address, false)).toBe(reason);
  });

  it.each(PUBLIC)("allows public %s", (address) => {
    expect(blockedReason(address, false)).toBeNull();
  });

  it("allows private targets with ALLOW_PRIVATE_DESTINATIONS but never cloud metadata", () => {
    expect(blockedReason("127.0.0.1", true)).toBeNull();
    expect(blockedReason("10.0.0.8", true)).toBeNull();
    expect(blockedReason("169.254.169.254", true)).toBe("cloud metadata");
    expect(blockedReason("fd00:ec2::254", true)).toBe("cloud metadata");
    expect(blockedReason("::ffff:169.254.169.254", true)).toBe("cloud metadata");
  });

  it("checks IP literals in URLs, whatever their spelling", () => {
    for (const url of [
      "http://127.0.0.1/",
      "http://0x7f.1/",
      "http://2130706433/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::1]:8080/",
    ])
      expect(() => checkUrlHost(new URL(url), false), url).toThrow(/may not reach/);
    expect(() => checkUrlHost(new URL("http://example.com/"), false)).not.toThrow();
  });

  it("refuses host names that resolve to blocked addresses, before connecting", async () => {
    s = await startSink();
    const agents = createAgents({ allowPrivate: false, maxSockets: 1 });
    const req = { method: "POST" as const, url: `http://localhost:${s.port}/`, headers: {}, body: "{}" };
    const result = await send(req, agents, { timeoutMs: 2000, allowPrivate: false });
    expect(result).toMatchObject({ ok: false, errorType: "blocked_address" });
    const literal = await send({ ...req, url: `${s.url}/` }, agents, {
      timeoutMs: 2000,
      allowPrivate: false,
    });
    expect(literal).toMatchObject({ ok: false, errorType: "blocked_address" });
    expect(s.requests).toHaveLength(0);
    const allowed = createAgents({ allowPrivate: true, maxSockets: 1 });
    const ok = await send(req, allowed, { timeoutMs: 2000, allowPrivate: true });
    expect(ok).toMatchObject({ ok: true, response: { status: 200 } });
    agents.destroy();
    allowed.destroy();
  });

  it("records a blocked destination as not delivered, without retries", async () => {
    h = harness();
    s = await startSink();
    const viaName = h.webhook(`http://localhost:${s.port}/hook`);
    const viaIp = h.webhook(`${s.url}/hook`);
    archive(h.db, h, [track("A")]);
    h.start({ allowPrivate: false });
    for (const dest of [viaName, viaIp]) {
      const row = await until(() => outcomes(h!.db, dest).find((r) => r.status !== "retrying"));
      expect(row).toMatchObject({ status: "not_delivered", errorType: "blocked_address", attempts: 1 });
    }
    expect(s.requests).toHaveLength(0);
  });
});
