import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { createAgents, send } from "@/lib/delivery/http/client";
import { blockedReason, checkEndpoint, checkUrlHost } from "@/lib/delivery/http/ssrf";
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
  // Every IPv4-embedding IPv6 form is judged by its IPv4 address.
  ["::ffff:0:127.0.0.1", "loopback"],
  ["::ffff:0:a9fe:a9fe", "cloud metadata"],
  ["64:ff9b:1::10.0.0.1", "local-use NAT64"],
  ["64:ff9b:1::808:808", "local-use NAT64"],
  ["2002:7f00:1::", "loopback"],
  ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"],
  ["2001:0:a00:1::1", "private"],
  ["2001:db8:1:2:0:5efe:192.168.0.1", "private"],
  ["fe80::200:5efe:7f00:1", "loopback"],
  ["::0.0.2.1", "this network"],
] as const;

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "172.32.0.1",
  "100.128.0.1",
  "192.169.0.1",
  "2606:4700:4700::1111",
  "::ffff:8.8.8.8",
  "::ffff:0:8.8.8.8",
  "64:ff9b::8.8.8.8",
  "2002:808:808::1",
  "2001:0:808:808:8000:63bf:f7f7:f7f7",
  "2a00:1450:4001:81a::200e",
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
    // IPv4-compatible, translated, local-use NAT64, 6to4 and Teredo forms of the metadata address.
    for (const form of [
      "::169.254.169.254",
      "::ffff:0:169.254.169.254",
      "64:ff9b:1::a9fe:a9fe",
      "64:ff9b:1:a9fe:a9:fe00::",
      "2002:a9fe:a9fe::1",
      "2001:0:a9fe:a9fe::1",
      "2001:0:4136:e378:8000:63bf:5601:5601",
    ])
      expect(blockedReason(form, true), form).toBe("cloud metadata");
    expect(blockedReason("64:ff9b:1::10.0.0.1", true)).toBeNull();
  });

  it("refuses the host's own interface addresses, in IPv4 and IPv6 spellings", () => {
    const own = {
      v4: new Set([(203 << 24) | (0 << 16) | (113 << 8) | 7].map((v) => v >>> 0)),
      v6: new Set(["8193:3512:0:0:0:0:0:7"]),
    };
    expect(blockedReason("203.0.113.7", false, own)).toBe("this host's own address");
    expect(blockedReason("::ffff:203.0.113.7", false, own)).toBe("this host's own address");
    expect(blockedReason("64:ff9b::cb00:7107", false, own)).toBe("this host's own address");
    expect(blockedReason("2001:db8::7", false, own)).toBe("this host's own address");
    expect(blockedReason("203.0.113.8", false, own)).toBeNull();
    // Like loopback, they are allowed on a private network.
    expect(blockedReason("203.0.113.7", true, own)).toBeNull();
    // The real interfaces of this machine, whatever their ranges.
    for (const [name, list] of Object.entries(os.networkInterfaces()))
      for (const a of list ?? [])
        expect(blockedReason(a.address, false), `${name} ${a.address}`).not.toBeNull();
    expect(blockedReason("0.0.0.0", false)).toBe("this network");
  });

  it("does not deliver to the server's own address when it listens on every interface", async () => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === "IPv4")?.address;
    if (!address) return; // a machine with loopback only has nothing more to test here
    s = await startSink({ kind: "ok" }, { host: "0.0.0.0" });
    const agents = createAgents({ allowPrivate: false, maxSockets: 1 });
    const req = { method: "POST" as const, url: `http://${address}:${s.port}/`, headers: {}, body: "{}" };
    expect(await send(req, agents, { timeoutMs: 2000, allowPrivate: false })).toMatchObject({
      ok: false,
      errorType: "blocked_address",
    });
    expect(s.requests).toHaveLength(0);
    agents.destroy();
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

  it("checks a URL at save time: literals, resolved names, and names that do not resolve in time", async () => {
    const never = () => new Promise<{ address: string }[]>(() => {});
    const at =
      (...addresses: string[]) =>
      async () =>
        addresses.map((address) => ({ address }));
    expect(await checkEndpoint("http://[::ffff:0:7f00:1]/", { allowPrivate: false })).toMatchObject({
      status: "blocked",
      reason: "loopback",
    });
    const viaName = await checkEndpoint("https://hooks.internal.example/in", {
      allowPrivate: false,
      lookup: at("93.184.215.14", "10.1.2.3"),
    });
    expect(viaName).toEqual({
      status: "blocked",
      reason: "private",
      message:
        "hooks.internal.example resolves to 10.1.2.3, an address deliveries may not reach (private). Use a public address (on a private network the server's administrator can set ALLOW_PRIVATE_DESTINATIONS=true).",
    });
    // The real resolver: localhost is loopback.
    expect(await checkEndpoint("http://localhost:9/", { allowPrivate: false })).toMatchObject({
      status: "blocked",
    });
    expect(await checkEndpoint("http://localhost:9/", { allowPrivate: true })).toEqual({ status: "ok" });
    expect(
      await checkEndpoint("http://meta.example/", { allowPrivate: true, lookup: at("169.254.169.254") }),
    ).toMatchObject({ status: "blocked", reason: "cloud metadata" });
    expect(
      await checkEndpoint("https://api.example/", { allowPrivate: false, lookup: at("8.8.8.8") }),
    ).toEqual({
      status: "ok",
    });
    const slow = await checkEndpoint("https://slow.example/", {
      allowPrivate: false,
      lookup: never,
      timeoutMs: 50,
    });
    expect(slow).toMatchObject({ status: "unresolved" });
    expect(slow.status === "unresolved" && slow.message).toContain("did not resolve within 0.05 s");
    const missing = await checkEndpoint("https://nx.example/", {
      allowPrivate: false,
      lookup: () => Promise.reject(Object.assign(new Error("nx"), { code: "ENOTFOUND" })),
    });
    expect(missing).toMatchObject({ status: "unresolved" });
  });
});
