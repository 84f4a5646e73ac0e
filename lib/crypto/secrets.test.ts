import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mask, open, randomToken, safeEqual, seal, sha256 } from "@/lib/crypto/secrets";

const key = randomBytes(32).toString("base64");

describe("secrets at rest", () => {
  it("round-trips through AES-256-GCM and never stores the plaintext", () => {
    const secret = JSON.stringify({
      apiKey: "sk_live_1234567890",
      headers: [{ key: "Authorization", value: "Bearer x" }],
    });
    const sealed = seal(secret, key);
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(sealed).not.toContain("sk_live");
    expect(open(sealed, key)).toBe(secret);
  });

  it("uses a fresh IV each time", () => {
    expect(seal("same", key)).not.toBe(seal("same", key));
  });

  it("refuses a tampered ciphertext or the wrong key", () => {
    const sealed = seal("write-key", key);
    const parts = sealed.split(".");
    const ct = Buffer.from(parts[3]!, "base64url");
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString("base64url");
    expect(() => open(parts.join("."), key)).toThrow();
    expect(() => open(sealed, randomBytes(32).toString("base64"))).toThrow();
    expect(() => open("garbage", key)).toThrow(/format/);
  });

  it("hashes, compares and masks", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(safeEqual("a", "a")).toBe(true);
    expect(safeEqual("a", "b")).toBe(false);
    expect(safeEqual("a", "ab")).toBe(false);
    expect(mask("ABCDEFGHIJKLMNOP")).toBe("ABCD••••MNOP");
    expect(mask("short")).toBe("••••");
    expect(randomToken(24)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
