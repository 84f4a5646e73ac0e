import { names, SCOPES, type Scope } from "./flatten";

// The keys the loader's JSON scan (json-scan.ts) has met, by path and by their bytes, with the
// names flatten.ts gives them (per scope, through its own cache): a key seen once is never made a
// string again. At most 50,000 keys are kept; past that the cache starts over.

const ENTRIES_MAX = 50_000;

/** A key under one path: its names, per scope, and the path its children continue under. */
export class KeyEntry {
  /** The last object (stamp) it was seen in, to find a key repeated in one object. */
  stamp = 0;
  readonly leaves: (string | undefined)[] = [];
  child: PathNode | null = null;
  constructor(
    readonly key: string,
    /** The key's UTF-8 bytes, as they appear in payloads. */
    readonly bytes: Uint8Array,
    readonly path: string,
    /** The path of its children; null when the key has no usable characters. */
    readonly nested: string | null,
    /** All digits: JavaScript enumerates such keys first, whatever their place. */
    readonly index: boolean,
  ) {}

  leaf(scope: Scope): string {
    const hit = this.leaves[scope.id];
    if (hit !== undefined) return hit;
    const leaf = names(scope, this.path, this.key)!.leaf;
    this.leaves[scope.id] = leaf;
    return leaf;
  }
}

/** The keys seen under one path, by the hash of their bytes. */
export class PathNode {
  readonly byHash = new Map<number, KeyEntry | KeyEntry[]>();
  constructor(readonly path: string) {}
}

let nodes = new Map<string, PathNode>();
let entries = 0;
/** The node of a path ("context", "" for properties and traits, or a key's nested path). */
export function node(path: string): PathNode {
  let n = nodes.get(path);
  if (!n) {
    n = new PathNode(path);
    nodes.set(path, n);
  }
  return n;
}

/** Whether bytes from..from+len of `b` are `key`. */
export function sameBytes(key: Uint8Array, b: Uint8Array, from: number, len: number): boolean {
  if (key.length !== len) return false;
  for (let i = 0; i < len; i++) if (key[i] !== b[from + i]) return false;
  return true;
}

/** The entry of the key in bytes from..to of `b` (its hash `h`) under `at`, made when new. */
export function entryFor(at: PathNode, b: Buffer, from: number, to: number, h: number): KeyEntry {
  const hit = at.byHash.get(h);
  const len = to - from;
  if (hit !== undefined) {
    if (!Array.isArray(hit)) {
      if (sameBytes(hit.bytes, b, from, len)) return hit;
    } else for (const e of hit) if (sameBytes(e.bytes, b, from, len)) return e;
  }
  if (++entries > ENTRIES_MAX) {
    nodes = new Map();
    entries = 1;
  }
  const key = b.toString("utf8", from, to);
  const n = names(SCOPES.context, at.path, key);
  let index = len > 0;
  for (let i = from; i < to && index; i++) index = b[i]! >= 48 && b[i]! <= 57;
  const e = new KeyEntry(key, new Uint8Array(b.subarray(from, to)), at.path, n ? n.nested : null, index);
  if (hit === undefined) at.byHash.set(h, e);
  else if (Array.isArray(hit)) hit.push(e);
  else at.byHash.set(h, [hit, e]);
  return e;
}
