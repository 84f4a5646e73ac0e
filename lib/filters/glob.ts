// Glob patterns for match(), with Segment's syntax: * ? [abc] [a-z] [^abc] and \x for a literal x.
// As in Segment's Go-style globs, only ^ negates a class: [!a] is "! or a".
//
// Matched without backtracking, so an event cannot make a filter slow: a pattern is compiled into
// fixed-width chunks separated by stars; the first and last chunks are anchored, every chunk in
// between is placed at its leftmost position after the previous one (a star absorbs whatever lies
// between, so the leftmost placement is never worse than a later one). The stretches of text each
// chunk searches do not overlap, and a search reads each character once: literal chunks use the
// native substring search, others a bit-parallel automaton (Shift-And: one bit per atom, so a
// 256-atom chunk costs 8 machine words per character). A match thus costs at most about
// (text length + 1) x (pattern length + 1) steps whatever the input, and usually far less.
// Characters are Unicode code points, as in Segment's Go implementation (`?` matches one emoji).

export class GlobError extends Error {}

/** Longest pattern match() accepts, in characters: bounds the cost of one match per event. */
export const MAX_GLOB_PATTERN_LENGTH = 256;

const ANY = -1;

interface CharClass {
  negated: boolean;
  /** Inclusive code point ranges, flattened: [from0, to0, from1, to1, ...]. */
  ranges: number[];
}

/** A literal code point, ANY (`?`) or a class. */
type Atom = number | CharClass;

/** Atoms between two stars; `literal` is their text when they are all literal characters. */
interface Chunk {
  atoms: Atom[];
  literal: string | null;
  /** Shift-And tables, built on the chunk's first search. */
  automaton?: Automaton;
}

/** For each character, which atoms accept it, as a bit set over 32-bit words. */
interface Automaton {
  words: number;
  /** Atoms accepting any character (`?`). */
  any: Uint32Array;
  /** Literal atoms, by code point. */
  literals: Map<number, Uint32Array>;
  classes: { atom: CharClass; index: number }[];
  /** Masks already computed for characters met (at most 256: a text may hold many distinct ones). */
  seen: Map<number, Uint32Array>;
}

/** Counts character comparisons; tests use it to check the bound above. */
export interface GlobCounter {
  steps: number;
}

export interface Glob {
  readonly pattern: string;
  test(text: string, counter?: GlobCounter): boolean;
}

/** Compiles a glob; the whole string must match. Throws GlobError (worded for people) on bad patterns. */
export function compileGlob(pattern: string): Glob {
  const chars = Array.from(pattern);
  if (chars.length > MAX_GLOB_PATTERN_LENGTH) {
    throw new GlobError(
      `Pattern is ${chars.length} characters long; match() patterns are limited to ${MAX_GLOB_PATTERN_LENGTH}`,
    );
  }
  const parts: Atom[][] = [[]];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const current = parts[parts.length - 1]!;
    if (c === "*") {
      if (current.length > 0 || parts.length === 1) parts.push([]);
    } else if (c === "?") current.push(ANY);
    else if (c === "\\") {
      if (i + 1 >= chars.length)
        throw new GlobError('Pattern ends with a lone "\\" (write "\\\\" for a literal backslash)');
      current.push(chars[++i]!.codePointAt(0)!);
    } else if (c === "[") {
      const { atom, end } = readClass(chars, i);
      current.push(atom);
      i = end;
    } else current.push(c.codePointAt(0)!);
  }
  return new CompiledGlob(
    pattern,
    parts.map((atoms) => ({
      atoms,
      literal: atoms.every((a) => typeof a === "number" && a !== ANY)
        ? String.fromCodePoint(...(atoms as number[]))
        : null,
    })),
  );
}

function readClass(chars: string[], open: number): { atom: CharClass; end: number } {
  let i = open + 1;
  const negated = chars[i] === "^";
  if (negated) i++;
  const ranges: number[] = [];
  while (i < chars.length && chars[i] !== "]") {
    let from = chars[i]!;
    if (from === "\\" && i + 1 < chars.length) from = chars[++i]!;
    i++;
    let to = from;
    if (chars[i] === "-" && i + 1 < chars.length && chars[i + 1] !== "]") {
      to = chars[i + 1]!;
      i += 2;
      if (to === "\\" && i < chars.length) to = chars[i++]!;
      if (to.codePointAt(0)! < from.codePointAt(0)!) {
        throw new GlobError(`Invalid range "${from}-${to}" in pattern`);
      }
    }
    ranges.push(from.codePointAt(0)!, to.codePointAt(0)!);
  }
  if (i >= chars.length) throw new GlobError('Unclosed "[" in pattern');
  if (ranges.length === 0) throw new GlobError('Empty "[]" in pattern');
  return { atom: { negated, ranges }, end: i };
}

function classMatches(atom: CharClass, cp: number): boolean {
  const { ranges } = atom;
  let inside = false;
  for (let r = 0; r < ranges.length; r += 2) {
    if (cp >= ranges[r]! && cp <= ranges[r + 1]!) {
      inside = true;
      break;
    }
  }
  return inside !== atom.negated;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Does `chunk` match the text at position p? `codes` is the text itself or its code points. */
function fits(chunk: Chunk, codes: string | number[], p: number, counter: GlobCounter | undefined): boolean {
  const { atoms, literal } = chunk;
  if (counter) counter.steps += atoms.length; // an upper bound: the comparison may stop early
  if (typeof codes !== "string") return fitsPoints(atoms, codes, p);
  return literal !== null ? codes.startsWith(literal, p) : fitsUnits(atoms, codes, p);
}

/** Leftmost p in [from, end - length] where the chunk fits, or -1. */
function find(chunk: Chunk, codes: string | number[], from: number, end: number, counter?: GlobCounter) {
  const length = chunk.atoms.length;
  if (chunk.literal !== null && typeof codes === "string") {
    // Native substring search (linear time in V8); counted as the positions it passed over.
    const at = codes.indexOf(chunk.literal, from);
    const found = at >= 0 && at + length <= end ? at : -1;
    if (counter) counter.steps += (found < 0 ? end : found + length) - from;
    return found;
  }
  return shiftAnd(chunk, codes, from, end, counter);
}

const bit = (set: Uint32Array, i: number) => {
  set[i >>> 5]! |= 1 << (i & 31);
};

function automatonOf(chunk: Chunk): Automaton {
  if (chunk.automaton) return chunk.automaton;
  const words = (chunk.atoms.length + 31) >>> 5;
  const a: Automaton = {
    words,
    any: new Uint32Array(words),
    literals: new Map(),
    classes: [],
    seen: new Map(),
  };
  chunk.atoms.forEach((atom, i) => {
    if (atom === ANY) bit(a.any, i);
    else if (typeof atom === "number") {
      const set = a.literals.get(atom) ?? new Uint32Array(words);
      a.literals.set(atom, set);
      bit(set, i);
    } else a.classes.push({ atom, index: i });
  });
  chunk.automaton = a;
  return a;
}

/** The atoms that accept `cp`. Cost: the words, plus one test per class atom for a new character. */
function maskOf(a: Automaton, cp: number, counter?: GlobCounter): Uint32Array {
  const seen = a.seen.get(cp);
  if (seen) return seen;
  const mask = a.any.slice();
  const literal = a.literals.get(cp);
  if (literal) for (let w = 0; w < a.words; w++) mask[w]! |= literal[w]!;
  for (const { atom, index } of a.classes) if (classMatches(atom, cp)) bit(mask, index);
  if (counter) counter.steps += a.classes.length;
  if (a.seen.size < 256) a.seen.set(cp, mask);
  return mask;
}

/**
 * Shift-And: bit i of `state` says the text just read ends with the chunk's first i+1 atoms. Each
 * character shifts the state and keeps the bits whose atom accepts it; a set last bit is a match.
 */
function shiftAnd(chunk: Chunk, codes: string | number[], from: number, end: number, counter?: GlobCounter) {
  const length = chunk.atoms.length;
  const a = automatonOf(chunk);
  const { words } = a;
  const state = new Uint32Array(words);
  const lastWord = (length - 1) >>> 5;
  const lastBit = 1 << ((length - 1) & 31);
  const text = typeof codes === "string" ? codes : null;
  for (let i = from; i < end; i++) {
    const mask = maskOf(a, text !== null ? text.charCodeAt(i) : (codes as number[])[i]!, counter);
    let carry = 1;
    for (let w = 0; w < words; w++) {
      const v = state[w]!;
      state[w] = ((v << 1) | carry) & mask[w]!;
      carry = v >>> 31;
    }
    if (counter) counter.steps += words;
    if (state[lastWord]! & lastBit) return i - length + 1;
  }
  return -1;
}

// Two copies of one loop so each stays monomorphic (string or array reads): about 3x faster.
function fitsUnits(atoms: Atom[], text: string, p: number): boolean {
  for (let k = 0; k < atoms.length; k++) {
    const atom = atoms[k]!;
    const cp = text.charCodeAt(p + k);
    if (typeof atom === "number" ? atom !== ANY && atom !== cp : !classMatches(atom, cp)) return false;
  }
  return true;
}

function fitsPoints(atoms: Atom[], points: number[], p: number): boolean {
  for (let k = 0; k < atoms.length; k++) {
    const atom = atoms[k]!;
    const cp = points[p + k]!;
    if (typeof atom === "number" ? atom !== ANY && atom !== cp : !classMatches(atom, cp)) return false;
  }
  return true;
}

class CompiledGlob implements Glob {
  constructor(
    readonly pattern: string,
    /** Chunks between stars; one chunk means no star at all. */
    private readonly parts: Chunk[],
  ) {}

  test(text: string, counter?: GlobCounter): boolean {
    // Code points only where they differ from UTF-16 units, so plain text is read in place.
    const codes = SURROGATE.test(text) ? Array.from(text, (ch) => ch.codePointAt(0)!) : text;
    const n = codes.length;
    const { parts } = this;
    const first = parts[0]!;
    if (parts.length === 1) return n === first.atoms.length && fits(first, codes, 0, counter);
    const last = parts[parts.length - 1]!;
    const end = n - last.atoms.length;
    if (end < first.atoms.length || !fits(first, codes, 0, counter) || !fits(last, codes, end, counter))
      return false;
    let pos = first.atoms.length;
    for (let c = 1; c < parts.length - 1; c++) {
      const chunk = parts[c]!;
      const found = find(chunk, codes, pos, end, counter);
      if (found < 0) return false;
      pos = found + chunk.atoms.length;
    }
    return true;
  }
}
