// Tokenizer for the filter language (FQL). Pure: no Node APIs, so the browser can run it too.

export interface FqlError {
  message: string;
  /** 0-based UTF-16 offset into the source. */
  position: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** How many characters to underline; 0 when the problem is the end of the input. */
  length: number;
}

export class FqlSyntaxError extends Error {
  constructor(readonly error: FqlError) {
    super(error.message);
    this.name = "FqlSyntaxError";
  }
}

export type Punct = "=" | "!=" | "<" | "<=" | ">" | ">=" | "!" | "(" | ")" | "[" | "]" | ",";

export type Token =
  | { kind: "path"; segments: string[]; raw: string; escaped: boolean; start: number; end: number }
  | { kind: "string"; value: string; raw: string; start: number; end: number }
  | { kind: "number"; value: number; raw: string; start: number; end: number }
  | { kind: "punct"; value: Punct; raw: string; start: number; end: number }
  | { kind: "eof"; raw: ""; start: number; end: number };

export function locate(src: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < src.length; i++) {
    if (src[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** "column 7", or "line 2, column 7" once the condition spans lines, so messages stay short for the common case. */
export function where(src: string, position: number): string {
  const { line, column } = locate(src, position);
  return src.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
}

export function syntaxError(src: string, message: string, position: number, length: number): FqlSyntaxError {
  return new FqlSyntaxError({ message, position, length, ...locate(src, position) });
}

// Segment allows {a-z A-Z 0-9 _ -} in field names; `$` is added because Segment's own keys ($set…) use it.
const isPathStart = (c: string) => /[A-Za-z_$\\]/.test(c);
const isPathChar = (c: string) => /[A-Za-z0-9_$\\-]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

const STRING_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  "\\": "\\",
  "/": "/",
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
};

// Operators people bring from other languages get a pointed hint rather than "unexpected character".
const FOREIGN_OPERATORS: Record<string, string> = { "&&": "and", "||": "or", "==": "=", "<>": "!=" };

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const two = src.slice(i, i + 2);
    if (FOREIGN_OPERATORS[two]) {
      throw syntaxError(src, `Use "${FOREIGN_OPERATORS[two]}" instead of "${two}" at ${where(src, i)}`, i, 2);
    }
    if (two === "!=" || two === "<=" || two === ">=") {
      tokens.push({ kind: "punct", value: two, raw: two, start, end: i + 2 });
      i += 2;
    } else if ("=<>!()[],".includes(c)) {
      tokens.push({ kind: "punct", value: c as Punct, raw: c, start, end: i + 1 });
      i++;
    } else if (c === '"' || c === "'") {
      i = readString(src, i, tokens);
    } else if (isDigit(c) || (c === "-" && isDigit(src[i + 1]))) {
      i = readNumber(src, i, tokens);
    } else if (isPathStart(c)) {
      i = readPath(src, i, tokens);
    } else {
      throw syntaxError(src, `Unexpected character "${c}" at ${where(src, i)}`, i, 1);
    }
  }
  tokens.push({ kind: "eof", raw: "", start: src.length, end: src.length });
  return tokens;
}

function readString(src: string, start: number, out: Token[]): number {
  const quote = src[start];
  let value = "";
  let i = start + 1;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === "\\" && i + 1 < src.length) {
      const next = src[i + 1]!;
      const hex = src.slice(i + 2, i + 6);
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(hex)) {
        value += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
        continue;
      }
      // Unknown escapes stay verbatim so glob escapes like "ab\*d" reach match() intact.
      value += STRING_ESCAPES[next] ?? `\\${next}`;
      i += 2;
      continue;
    }
    value += src[i];
    i++;
  }
  if (i >= src.length) {
    throw syntaxError(src, `Unclosed string starting at ${where(src, start)}`, start, src.length - start);
  }
  out.push({ kind: "string", value, raw: src.slice(start, i + 1), start, end: i + 1 });
  return i + 1;
}

function readNumber(src: string, start: number, out: Token[]): number {
  const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(start))!;
  let end = start + m[0].length;
  if (end < src.length && /[A-Za-z0-9_$.\\]/.test(src[end]!)) {
    while (end < src.length && /[A-Za-z0-9_$.\\-]/.test(src[end]!)) end++;
    const raw = src.slice(start, end);
    throw syntaxError(src, `Invalid number "${raw}" at ${where(src, start)}`, start, end - start);
  }
  out.push({ kind: "number", value: Number(m[0]), raw: m[0], start, end });
  return end;
}

function readPath(src: string, start: number, out: Token[]): number {
  const segments: string[] = [];
  let segment = "";
  let escaped = false;
  let i = start;
  for (;;) {
    const c = src[i];
    if (c === "\\") {
      if (i + 1 >= src.length) {
        throw syntaxError(src, `Expected a character after "\\" at ${where(src, i)}`, i, 1);
      }
      segment += src[i + 1];
      escaped = true;
      i += 2;
    } else if (c !== undefined && isPathChar(c)) {
      segment += c;
      i++;
    } else if (c === "." && segment !== "") {
      if (i + 1 >= src.length || !isPathChar(src[i + 1]!)) {
        throw syntaxError(src, `Expected a field name after "." at ${where(src, i + 1)}`, i + 1, 0);
      }
      segments.push(segment);
      segment = "";
      i++;
    } else {
      break;
    }
  }
  segments.push(segment);
  out.push({ kind: "path", segments, raw: src.slice(start, i), escaped, start, end: i });
  return i;
}
