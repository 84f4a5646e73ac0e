// Archived messages for the warehouse loader's tests, made to reach every corner of the
// flattening: odd keys (escaped, array indexes, reserved names, no usable characters, longer than
// a column name), every kind of value, deep nesting, repeated ids, type conflicts, and payloads
// written by hand (spaces, repeated keys, escapes, numbers as JSON.stringify never writes them,
// not JSON at all).

let seed = 0;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

// Keys the scan leaves to JSON.parse (escaped, array indexes) and keys it takes (every other).
const LEFT_KEYS = ["0", "12", "tab\tkey", 'quo"te', "back\\slash"];
const KEYS = [
  ...["a", "B", "camelCase", "Some Key", "x-y.z", "é", "日本", "id", "event", "name", "category"],
  ...["group_id", "received_at", "_conflicts", "", "!!!", "__proto__", "user_id", "Traits"],
  ...["ABCDef", "a_b", "uuid_ts", "k".repeat(70), "q".repeat(210)],
];
export const STRINGS = [
  ...["x", "", "true", "123", "2026-01-01T00:00:00Z", "2026-02-30", "2026-12-06 10:00:00+01:00"],
  ...["2026-12-06", "tab\there", "nl\nx", "back\\slash", "nul\u0000x", "café", "🚀", "\ud800"],
  ...['quote"d', "\\N", "  spaced  ", "2100-02-29T00:00:00Z", "1999-12-31T23:59:60Z", "24:00"],
  ...["2026-12-06T24:00:00.000Z", "2026-12-06T10:00:00.1234567891Z", "2026-12-06T10:00+16:00"],
];
const NUMBERS = [0, -0, 1.5, -2.25, 1e21, 1e-7, 0.1, 123456789012345, 2 ** 53 + 2, 3.0, 12.3];

let keys: readonly string[] = KEYS;
function value(depth: number): unknown {
  const r = random();
  if (r < 0.25) return pick(STRINGS);
  if (r < 0.35) return Math.floor(random() * 1000) - 500;
  if (r < 0.42) return pick(NUMBERS);
  if (r < 0.5) return random() < 0.5;
  if (r < 0.56) return null;
  if (r < 0.62) return [1, "a", { b: 2 }, null].slice(0, Math.floor(random() * 4));
  if (r < 0.8 && depth < 11) return object(depth + 1, 4);
  return pick(STRINGS);
}
function object(depth: number, width: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = Math.floor(random() * width) + 1;
  for (let i = 0; i < n; i++) o[pick(keys)] = value(depth);
  return o;
}

/** Payloads written as the scan could never guess them: odd numbers, spaces, repeats, escapes. */
const RAW = [
  '{"type":"track","event":"Raw","messageId":"ID","properties":{"a":1.0,"b":1E2,"c":-0,"d":0.0000001,"e":123456789012345678,"f":1.50,"g":  2 , "z":[1, 2 ,{"q":"w"}],"u":"\\u00e9\\n","big":1e400,"n":-12.5,"m":0.5,"o":100.25,"p":0.000001,"r":1234567890.12345}}',
  '{ "type" : "page" , "messageId" : "ID" , "name" : "P\\u0041ge", "properties" : { "path" : "/x" , "t" : true , "f" : false , "n" : null , "w" : 0.000001 } , "context" : { "ip" : "1.2.3.4" } }',
  '{"type":"identify","messageId":"ID","userId":"u1","traits":{"email":"a@b.c","n":7,"Nested":{"Deep":{"er":"x"}},"0":"index key"}}',
  '{"type":"track","event":"Raw","messageId":"ID","properties":{"a":{"b":1},"a":2}}',
  '{"type":"track","event":"Raw","messageId":"ID","type":"page","properties":{"s":"\\ud800"}}',
  '{"type":"group","messageId":"ID","groupId":7,"traits":{"name":"N","Employees":12}}',
  '{"type":"track","messageId":123,"event":"Num Id","properties":{"x":1}}',
  '{"type":"track","messageId":"ID","event":"Raw","properties":"not an object","context":[1,2]}',
  '{"type":"track","messageId":"ID","event":"Raw","userId":12.5,"anonymousId":true,"sentAt":"2026-01-01T00:00:00Z","timestamp":"bad","originalTimestamp":20260101}',
  "[1,2,3]",
  "not json",
  '{"type":"alias","messageId":"ID","previousId":"p","userId":"u"}',
  '{"type":"track","event":"Raw","messageId":"ID","properties":{"x":-0.0,"y":1.5e3,"z":007}}',
  '{"type":"track","event":"Raw","messageId":"ID","properties":{"s":"tab\\there","t":"nul\\u0000x","u":"\\\\N"}}',
  '{"type":"tr\\u0061ck","event":"Raw","messageId":"ID"}',
  '{"type":"track","event":"Raw","messageId":"ID","properties":{"x":1}} trailing',
  '{"type":"track","event":"Raw","messageId":"ID","properties":{"x":"raw\u0001control"}}',
  `{"type":"track","event":"Deep","messageId":"ID","properties":${'{"a":'.repeat(70)}1${"}".repeat(70)}}`,
];

/** `n` payloads, the same for the same seed. */
export function randomMessages(n: number, from: number): string[] {
  seed = from;
  const out: string[] = [];
  const types = ["track", "track", "track", "page", "screen", "identify", "identify", "group", "alias", "x"];
  const events = ["Order Completed", "tracks", "Identifies", "!!!", "", "Événement", "x".repeat(80), 42];
  for (let i = 0; i < n; i++) {
    if (random() < 0.1) {
      out.push(pick(RAW).replace('"ID"', `"raw-${i % 500}"`));
      continue;
    }
    keys = random() < 0.75 ? KEYS : [...KEYS, ...LEFT_KEYS];
    const type = pick(types);
    const m: Record<string, unknown> = { type };
    if (random() > 0.03) m.messageId = `m-${Math.floor(random() * n * 0.8)}`;
    if (random() < 0.8) m.userId = random() < 0.1 ? 42 : random() < 0.05 ? "" : `u${i % 300}`;
    if (random() < 0.8) m.anonymousId = `a${i % 500}`;
    if (random() < 0.7) m.timestamp = pick(STRINGS);
    if (random() < 0.5) m.sentAt = "2026-12-06T10:00:00.123Z";
    if (random() < 0.9)
      m.context = random() < 0.05 ? "ctx" : { library: { name: "x", version: 1 }, ...object(0, 5) };
    if (type === "track") m.event = pick(events);
    if (type === "page" || type === "screen") {
      m.name = pick([...STRINGS, 5]);
      if (random() < 0.5) m.category = "C";
    }
    if (type === "group") m.groupId = random() < 0.1 ? 3 : `g${i % 40}`;
    if (type === "alias") m.previousId = "prev";
    if (random() < 0.9) m[type === "identify" || type === "group" ? "traits" : "properties"] = object(0, 8);
    if (random() < 0.1) m.integrations = { All: false, "Some Dest": { x: [1, { y: "}" }] } };
    out.push(random() < 0.1 ? JSON.stringify(m, null, 2) : JSON.stringify(m));
  }
  return out;
}
