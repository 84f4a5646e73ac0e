// npm run demo:traffic -- --write-key=KEY [--rate 5] [--count 0] [--host http://localhost:3000]
// Sends realistic sample traffic to a source so the debugger and dashboards come alive: the
// use-case catalog's suggested events with plausible properties, several users, all six call
// types, and now and then an invalid message (which the debugger shows with its reason).
import { parseArgs } from "node:util";
import { businessGoals } from "@/lib/catalog/use-cases";
import { owed } from "./demo-pace";

function args() {
  try {
    return parseArgs({
      options: {
        "write-key": { type: "string" },
        rate: { type: "string", default: "5" },
        count: { type: "string", default: "0" },
        host: { type: "string", default: process.env.PUBLIC_URL ?? "http://localhost:3000" },
      },
    });
  } catch (err) {
    // A write key may start with "-": as a separate argument it reads as an option.
    console.error(`${(err as Error).message}\nGive the write key as one argument: --write-key=KEY`);
    process.exit(2);
  }
}
const { values } = args();
const writeKey = values["write-key"];
const rate = Number(values.rate);
const count = Number(values.count);
if (!writeKey || !(rate > 0) || !(count >= 0)) {
  console.error(
    "usage: npm run demo:traffic -- --write-key=KEY [--rate events/s] [--count N, 0 = until Ctrl-C] [--host URL]",
  );
  process.exit(2);
}

const events = [
  ...new Map(
    businessGoals()
      .flatMap((g) => g.useCases.flatMap((u) => u.events))
      .map((e) => [e.event, e]),
  ).values(),
];
const users = Array.from({ length: 8 }, (_, i) => ({
  userId: `user_${1001 + i}`,
  anonymousId: `anon-${(i * 7919).toString(36)}`,
}));
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
const context = { library: { name: "analytics-node", version: "3.1.0" }, ip: "203.0.113.7" };

function value(property: string): unknown {
  if (/total|revenue|price|value|amount|shipping|tax|discount/.test(property))
    return Math.round(Math.random() * 20000) / 100;
  if (/num|quantity|count|position|version|build/.test(property)) return Math.floor(Math.random() * 10) + 1;
  if (property === "products")
    return [{ product_id: "sku-42", name: "Trail Shoe", price: 89.9, quantity: 1 }];
  if (/^(is_|from_|has_)/.test(property)) return Math.random() < 0.5;
  if (/email/.test(property)) return "ada@example.com";
  if (/_id$/.test(property)) return `${property.replace(/_id$/, "")}-${Math.floor(Math.random() * 1e6)}`;
  return pick(["alpha", "beta", "gamma", "web", "ios", "android", "summer-sale"]);
}

function message(n: number): Record<string, unknown> {
  const user = pick(users);
  const roll = n % 20;
  if (roll === 19) return { type: "track", properties: { note: "missing user and event name" } }; // invalid on purpose
  if (roll === 0)
    return {
      type: "identify",
      ...user,
      traits: { email: `${user.userId}@example.com`, plan: pick(["free", "pro"]) },
    };
  if (roll === 5)
    return { type: "page", ...user, name: pick(["Home", "Pricing", "Checkout"]), properties: { path: "/" } };
  if (roll === 9) return { type: "screen", ...user, name: pick(["Feed", "Cart"]) };
  if (roll === 13)
    return { type: "group", ...user, groupId: "acme-inc", traits: { name: "Acme Inc", employees: 120 } };
  if (roll === 17) return { type: "alias", userId: user.userId, previousId: user.anonymousId };
  const e = pick(events);
  return {
    type: "track",
    ...user,
    event: e.event,
    properties: Object.fromEntries(e.properties.map((p) => [p, value(p)])),
  };
}

const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
let sent = 0;
let rejected = 0;
const started = Date.now();
const timer = setInterval(async () => {
  // Exactly --rate messages per second over time: each tick sends what the elapsed time has earned.
  const n = Math.min(owed(Date.now() - started, rate, sent, count), 500);
  if (n === 0) return;
  const batch = Array.from({ length: n }, () => ({
    ...message(sent++),
    context,
  }));
  try {
    const res = await fetch(`${values.host}/v1/batch`, {
      method: "POST",
      headers: { authorization: auth, "content-type": "application/json" },
      body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
    });
    const body = (await res.json()) as { rejected?: unknown[]; error?: { message: string } };
    if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
    rejected += body.rejected?.length ?? 0;
    process.stdout.write(`\rsent ${sent} messages (${rejected} rejected on purpose)`);
  } catch (err) {
    console.error(`\n${(err as Error).message}`);
    process.exit(1);
  }
  if (count && sent >= count) {
    clearInterval(timer);
    console.log("\ndone");
  }
}, 250);
