// Glob patterns for match(), with Segment's syntax: * ? [abc] [a-z] [^abc] and \x for a literal x.

export class GlobError extends Error {}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/;
const CLASS_SPECIAL = /[\\\]^[-]/;

const literal = (c: string) => (REGEX_SPECIAL.test(c) ? `\\${c}` : c);
const classLiteral = (c: string) => (CLASS_SPECIAL.test(c) ? `\\${c}` : c);

/** Compiles a glob into an anchored RegExp; the whole string must match. Throws GlobError on bad patterns. */
export function globToRegExp(pattern: string): RegExp {
  // Iterate by code point so `?` and ranges treat emoji as one character, like the `u` flag does.
  const chars = Array.from(pattern);
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "*") out += "[\\s\\S]*";
    else if (c === "?") out += "[\\s\\S]";
    else if (c === "\\") out += literal(chars[++i] ?? "\\");
    else if (c === "[") {
      const close = readClass(chars, i);
      out += close.source;
      i = close.end;
    } else out += literal(c);
  }
  return new RegExp(`^${out}$`, "u");
}

function readClass(chars: string[], open: number): { source: string; end: number } {
  let i = open + 1;
  let source = "[";
  if (chars[i] === "^" || chars[i] === "!") {
    source += "^";
    i++;
  }
  let members = 0;
  while (i < chars.length && chars[i] !== "]") {
    let from = chars[i]!;
    if (from === "\\" && i + 1 < chars.length) from = chars[++i]!;
    i++;
    if (chars[i] === "-" && i + 1 < chars.length && chars[i + 1] !== "]") {
      let to = chars[i + 1]!;
      if (to === "\\" && i + 2 < chars.length) to = chars[++i + 1]!;
      if (to.codePointAt(0)! < from.codePointAt(0)!) {
        throw new GlobError(`Invalid range "${from}-${to}" in pattern`);
      }
      source += `${classLiteral(from)}-${classLiteral(to)}`;
      i += 2;
    } else {
      source += classLiteral(from);
    }
    members++;
  }
  if (i >= chars.length) throw new GlobError('Unclosed "[" in pattern');
  if (members === 0) throw new GlobError('Empty "[]" in pattern');
  return { source: `${source}]`, end: i };
}
