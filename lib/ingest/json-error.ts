// Finds where a JSON text goes wrong. Only runs after JSON.parse has failed (V8's messages do
// not always carry a position), so it favours clarity over speed. Iterative: deep nesting
// cannot overflow the stack.

export interface JsonSyntaxProblem {
  /** Index into the decoded text (UTF-16 code units). */
  position: number;
  line: number;
  column: number;
  problem: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

function describeChar(ch: string | undefined): string {
  if (ch === undefined) return "end of input";
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f
    ? `control character U+${code.toString(16).padStart(4, "0")}`
    : `'${ch}'`;
}

export function locateJsonError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const stack: ("[" | "{")[] = [];
  const ws = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const fail = (problem: string): JsonSyntaxProblem => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    return { position: i, line, column: i - before.lastIndexOf("\n"), problem };
  };
  const string = (): JsonSyntaxProblem | null => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) return fail("unterminated string");
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return null;
      }
      if (ch.charCodeAt(0) < 0x20) return fail(`${describeChar(ch)} inside a string (escape it)`);
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === "u") {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) return fail("invalid \\u escape (needs 4 hex digits)");
          i += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.has(next)) return fail(`invalid escape \\${next ?? ""}`);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const key = (): JsonSyntaxProblem | null => {
    ws();
    if (text[i] !== '"')
      return fail(`expected a double-quoted property name, found ${describeChar(text[i])}`);
    const err = string();
    if (err) return err;
    ws();
    if (text[i] !== ":") return fail(`expected ':' after the property name, found ${describeChar(text[i])}`);
    i++;
    return null;
  };

  for (;;) {
    // Expecting a value.
    ws();
    const ch = text[i];
    if (ch === "{" || ch === "[") {
      const close = ch === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) {
        i++;
      } else {
        stack.push(ch);
        if (ch === "{") {
          const err = key();
          if (err) return err;
        }
        continue;
      }
    } else if (ch === '"') {
      const err = string();
      if (err) return err;
    } else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match || match[0] === "-") return fail("invalid number");
      i += match[0].length;
    } else if (text.startsWith("true", i) || text.startsWith("null", i)) {
      i += 4;
    } else if (text.startsWith("false", i)) {
      i += 5;
    } else {
      return fail(`unexpected ${describeChar(ch)}, expected a value`);
    }
    // After a value: close containers until a comma asks for the next value.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < text.length ? fail("unexpected data after the JSON value") : null;
      const next = text[i];
      const close = top === "{" ? "}" : "]";
      if (next === close) {
        stack.pop();
        i++;
        continue;
      }
      if (next !== ",") return fail(`expected ',' or '${close}', found ${describeChar(next)}`);
      i++;
      if (top === "{") {
        const err = key();
        if (err) return err;
      }
      break;
    }
  }
}

/** "Invalid JSON at position 12 (line 1, column 13): expected ..." */
export function describeJsonError(text: string, fallback: string): string {
  const found = locateJsonError(text);
  if (!found) return `Invalid JSON: ${fallback}`;
  return `Invalid JSON at position ${found.position} (line ${found.line}, column ${found.column}): ${found.problem}`;
}
