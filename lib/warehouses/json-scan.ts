import { MAX_DEPTH, MAX_KEYS } from "./flatten";
import { entryFor, type KeyEntry, node, type PathNode, sameBytes } from "./key-cache";

// Reading an archived message's JSON where it lies, for the loader's fast way to its rows
// (scan.ts): the payload is written once as UTF-8 into a scratch buffer and scanned there. The scan
// records the top-level fields the rows need and every leaf of context, properties and traits (the
// key, where its value's bytes are, and what the value is), and builds no object. Keys are looked
// up by their bytes in a cache of the names flatten.ts gives them. It checks the whole payload is
// JSON, and answers false for a message it cannot be sure to read as JSON.parse and flatten.ts do
// (see scan.ts).

// How a value is written (per leaf).
export const PLAIN = 1; // a string without escapes: its UTF-8 bytes are its COPY bytes
export const ESCAPED = 3; // a string with escapes: JSON.parse of the slice (quotes included)
export const INT = 4; // an integer whose text is String(Number(text)) and a safe integer
export const DECIMAL = 5; // a decimal whose text is String(Number(text))
export const NUMBER = 6; // any other finite number: Number(text)
export const TRUE = 7;
export const FALSE = 8;
export const JSON_TEXT = 9; // an array, or an object deeper than the flattening goes: its JSON text
export const OBJECT = 10; // (top-level fields only) an object
export const NULL = 11; // (top-level fields only) null, or a number that is not finite

const MAX_NESTING = 64;

// The message being scanned, and what the scan found. Module state: one message at a time.
/** Where payloads given as text are written as UTF-8 to be scanned. */
let own: Buffer = Buffer.allocUnsafe(1 << 16);
/**
 * The bytes being scanned: `own`, or an archive chunk where its payloads lie. A 0 byte follows the
 * payload (no JSON token holds one: every scan stops there).
 */
export let b: Buffer = own;
/** Where the payload being scanned ends (a NUL follows it). */
let size = 0;
let stamp = 0;
let budget = 0;
export const leafEntry: KeyEntry[] = [];
export let leafStart = new Int32Array(1024);
export let leafEnd = new Int32Array(1024);
export let leafHow = new Uint8Array(1024);
let leaves = 0;

// Top-level fields.
const FIELDS = [
  "messageId",
  "type",
  "event",
  "sentAt",
  "timestamp",
  "originalTimestamp",
  "userId",
  "anonymousId",
  "context",
  "properties",
  "traits",
  "name",
  "category",
  "groupId",
  "previousId",
] as const;
type Field = (typeof FIELDS)[number];
export const F = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>;
const fieldByHash = new Map<number, number>();
const hashOf = (s: string) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
};
for (const f of FIELDS) fieldByHash.set(hashOf(f), F[f]);
const FIELD_BYTES = FIELDS.map((f) => Buffer.from(f));
export const fieldStart = new Int32Array(FIELDS.length);
export const fieldEnd = new Int32Array(FIELDS.length);
export const fieldHow = new Uint8Array(FIELDS.length);
/** For context, properties and traits: their leaves [from, to). */
export const sectionFrom = new Int32Array(FIELDS.length);
export const sectionTo = new Int32Array(FIELDS.length);

/** Thrown inside a scan when the message is left to writeMessage(). */
const BAIL = new Error("not for the fast path");

const ws = (p: number): number => {
  let c = b[p]!;
  while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++p]!;
  return p;
};

function expect(p: number, c: number): number {
  if (b[p] !== c) throw BAIL;
  return p + 1;
}

const TRUE_BYTES = Buffer.from("true");
const FALSE_BYTES = Buffer.from("false");
const NULL_BYTES = Buffer.from("null");

function literal(p: number, word: Uint8Array): number {
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word[i]) throw BAIL;
  return p + word.length;
}

// Set by scanString/scanNumber.
let how = 0;
let hash = 0;

/** A string starting at its quote: returns the position after its closing quote; sets `how`. */
function scanString(p: number): number {
  const s = b;
  let h = 0;
  let escaped = false;
  for (let i = p + 1; ; i++) {
    const c = s[i]!;
    if (c === 34) {
      how = escaped ? ESCAPED : PLAIN;
      hash = h;
      return i + 1;
    }
    if (c < 32) throw BAIL; // a raw control character (not JSON), or the end of input
    if (c === 92) {
      escaped = true;
      const e = s[++i]!;
      if (e === 117) {
        for (let k = 1; k <= 4; k++) {
          const x = s[i + k]!;
          if (!((x >= 48 && x <= 57) || (x >= 65 && x <= 70) || (x >= 97 && x <= 102))) throw BAIL;
        }
        i += 4;
      } else if (
        e !== 34 &&
        e !== 92 &&
        e !== 47 &&
        e !== 98 &&
        e !== 102 &&
        e !== 110 &&
        e !== 114 &&
        e !== 116
      )
        throw BAIL;
    }
    h = (Math.imul(h, 31) + c) | 0;
  }
}

/** Past ":" after a key (whitespace allowed around it). */
function colon(p: number): number {
  if (b[p] !== 58) p = expect(ws(p), 58) - 1;
  p++;
  return b[p]! <= 32 ? ws(p) : p;
}

/**
 * After a value in an object or array: the position of the next value or key (after ","), or -1
 * after the closing character `close`.
 */
function next(p: number, close: number): number {
  let c = b[p]!;
  if (c <= 32) {
    p = ws(p);
    c = b[p]!;
  }
  if (c === close) {
    end = p + 1;
    return -1;
  }
  if (c !== 44) throw BAIL;
  p++;
  return b[p]! <= 32 ? ws(p) : p;
}
/** Where next() found the closing character, plus one. */
let end = 0;

const digit = (c: number) => c >= 48 && c <= 57;

/** A number (JSON's grammar): returns the position after it; sets `how`. */
function scanNumber(p: number): number {
  const start = p;
  if (b[p]! === 45) p++;
  const intFrom = p;
  if (b[p]! === 48) p++;
  else if (digit(b[p]!)) while (digit(b[p]!)) p++;
  else throw BAIL;
  const intDigits = p - intFrom;
  let fracDigits = 0;
  let fracZeros = 0;
  let lastFrac = 0;
  let c = b[p]!;
  if (c === 46) {
    p++;
    const from = p;
    while (digit(b[p]!)) p++;
    fracDigits = p - from;
    if (!fracDigits) throw BAIL;
    while (fracZeros < fracDigits && b[from + fracZeros]! === 48) fracZeros++;
    lastFrac = b[p - 1]!;
    c = b[p]!;
  }
  if (c === 101 || c === 69) {
    p++;
    c = b[p]!;
    if (c === 43 || c === 45) p++;
    if (!digit(b[p]!)) throw BAIL;
    while (digit(b[p]!)) p++;
    how = NUMBER;
  } else if (!fracDigits) {
    // Up to 15 digits is a safe integer written as String() writes it; -0 is written "0".
    how = intDigits <= 15 && !(intDigits === 1 && b[intFrom]! === 48 && start !== intFrom) ? INT : NUMBER;
  } else {
    // At most 15 significant digits round-trip exactly; no trailing zero; at least 1e-6 (below,
    // String() writes an exponent).
    const zeroInt = intDigits === 1 && b[intFrom]! === 48;
    const significant = zeroInt ? fracDigits - fracZeros : intDigits + fracDigits;
    how = lastFrac !== 48 && significant <= 15 && (!zeroInt || fracZeros <= 5) ? DECIMAL : NUMBER;
  }
  if (how === NUMBER && !Number.isFinite(Number(text(start, p)))) how = NULL;
  return p;
}

/** Skips any value (checking it is JSON); returns the position after it. */
function skipValue(p: number, depth: number): number {
  if (depth > MAX_NESTING) throw BAIL;
  const c = b[p]!;
  if (c === 34) return scanString(p);
  if (c === 123 || c === 91) {
    const close = c === 123 ? 125 : 93;
    p = ws(p + 1);
    if (b[p]! === close) return p + 1;
    for (;;) {
      if (c === 123) p = colon(scanString(expect(p, 34) - 1));
      p = next(skipValue(p, depth + 1), close);
      if (p < 0) return end;
    }
  }
  if (c === 116) return literal(p, TRUE_BYTES);
  if (c === 102) return literal(p, FALSE_BYTES);
  if (c === 110) return literal(p, NULL_BYTES);
  return scanNumber(p);
}

/** The payload's bytes from..to as text. */
export const text = (from: number, to: number): string => b.toString("utf8", from, to);

function leaf(e: KeyEntry, from: number, to: number, kind: number) {
  if (leaves === leafHow.length) {
    const n = leaves * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    leafStart = grow(leafStart, new Int32Array(n));
    leafEnd = grow(leafEnd, new Int32Array(n));
    leafHow = grow(leafHow, new Uint8Array(n));
  }
  leafEntry[leaves] = e;
  leafStart[leaves] = from;
  leafEnd[leaves] = to;
  leafHow[leaves++] = kind;
}

/** An object to flatten, at its "{": records its leaves; returns the position after it. */
function scanObject(p: number, at: PathNode, depth: number): number {
  const seen = ++stamp;
  p = ws(p + 1);
  if (b[p]! === 125) return p + 1;
  for (;;) {
    const keyFrom = expect(p, 34);
    p = scanString(p);
    if (how !== PLAIN) throw BAIL; // a key with escapes
    const e = entryFor(at, b, keyFrom, p - 1, hash);
    if (e.index || e.stamp === seen || --budget < 0) throw BAIL;
    e.stamp = seen;
    p = colon(p);
    const c = b[p]!;
    if (e.nested === null) p = skipValue(p, depth + 1);
    else if (c === 123 && depth < MAX_DEPTH) {
      e.child ??= node(e.nested);
      p = scanObject(p, e.child, depth + 1);
    } else if (c === 123 || c === 91) {
      const from = p;
      p = skipValue(p, depth + 1);
      leaf(e, from, p, JSON_TEXT);
    } else if (c === 34) {
      const from = p;
      p = scanString(p);
      const h = how as number; // set by scanString
      if (h === ESCAPED) leaf(e, from, p, ESCAPED);
      else leaf(e, from + 1, p - 1, h);
    } else if (c === 116) {
      p = literal(p, TRUE_BYTES);
      leaf(e, p - 4, p, TRUE);
    } else if (c === 102) {
      p = literal(p, FALSE_BYTES);
      leaf(e, p - 5, p, FALSE);
    } else if (c === 110) p = literal(p, NULL_BYTES);
    else {
      const from = p;
      p = scanNumber(p);
      const h = how as number; // set by scanNumber
      if (h !== NULL) leaf(e, from, p, h);
    }
    p = next(p, 125);
    if (p < 0) return end;
  }
}

const SECTION_ROOT = { context: "context", properties: "", traits: "" };

/** Scans the whole payload; false when it is left to writeMessage(). */
export function scanPayload(payload: string): boolean {
  if (own.length < payload.length * 3 + 1) own = Buffer.allocUnsafe(payload.length * 3 + 1024);
  b = own;
  size = b.write(payload, 0, "utf8");
  // UTF-8 cannot carry a lone surrogate (it becomes U+FFFD): such a payload is left to JSON.parse.
  if (size !== payload.length && !(payload as unknown as { isWellFormed(): boolean }).isWellFormed())
    return false;
  b[size] = 0;
  return scanFrom(0);
}

/**
 * Scans a payload's UTF-8 bytes where they lie, from..to of `bytes`, which must be valid UTF-8 and
 * followed by a NUL (the archive's chunks, archive.ts): positions then point into `bytes`.
 */
export function scanBytes(bytes: Buffer, from: number, to: number): boolean {
  b = bytes;
  size = to;
  return scanFrom(from);
}

/** Lets go of the bytes scanned last (an archive chunk, up to megabytes) once a batch is prepared. */
export function releaseBytes(): void {
  b = own;
}

function scanFrom(start: number): boolean {
  leaves = 0;
  fieldHow.fill(0);
  try {
    let p = ws(start);
    p = ws(expect(p, 123));
    if (b[p]! !== 125)
      for (;;) {
        const keyFrom = expect(p, 34);
        p = scanString(p);
        const keyTo = p - 1;
        let f = how === PLAIN ? fieldByHash.get(hash) : undefined;
        if (f !== undefined && !sameBytes(FIELD_BYTES[f]!, b, keyFrom, keyTo - keyFrom)) f = undefined;
        if (how === ESCAPED) throw BAIL; // it might spell a field's name
        p = colon(p);
        if (f === undefined) p = skipValue(p, 1);
        else {
          if (fieldHow[f] !== 0) throw BAIL; // a field given twice
          const c = b[p]!;
          const from = p;
          if (c === 123 && (f === F.context || f === F.properties || f === F.traits)) {
            sectionFrom[f] = leaves;
            budget = MAX_KEYS;
            p = scanObject(p, node(SECTION_ROOT[FIELDS[f] as keyof typeof SECTION_ROOT]), 0);
            sectionTo[f] = leaves;
            fieldHow[f] = OBJECT;
          } else if (c === 34) {
            p = scanString(p);
            fieldHow[f] = how;
            fieldStart[f] = how === ESCAPED ? from : from + 1;
            fieldEnd[f] = how === ESCAPED ? p : p - 1;
          } else if (c === 123 || c === 91 || c === 116 || c === 102 || c === 110) {
            p = skipValue(p, 1);
            fieldHow[f] = c === 123 ? OBJECT : NULL;
          } else {
            p = scanNumber(p);
            fieldHow[f] = how === NULL ? NULL : NUMBER;
            fieldStart[f] = from;
            fieldEnd[f] = p;
          }
        }
        p = next(p, 125);
        if (p < 0) break;
      }
    else end = p + 1;
    return ws(end) === size;
  } catch (e) {
    if (e === BAIL) return false;
    throw e;
  }
}

/** str() of flatten.ts for a field: a string, a finite number's text, or null. */
export function fieldString(f: number): string | null {
  switch (fieldHow[f]) {
    case PLAIN:
      return text(fieldStart[f]!, fieldEnd[f]!);
    case ESCAPED:
      return JSON.parse(text(fieldStart[f]!, fieldEnd[f]!)) as string;
    case NUMBER:
      return String(Number(text(fieldStart[f]!, fieldEnd[f]!)));
    default:
      return null;
  }
}
