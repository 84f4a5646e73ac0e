// Filter Query Language (FQL), modelled on Segment's destination-filter language.
// Pure (no Node APIs): the condition editor imports this for inline validation.
// Language reference for users: docs/filters.md.

import { compileNode } from "./evaluate";
import { compileGlob, GlobError } from "./glob";
import { type FqlError, FqlSyntaxError, syntaxError, type Token, tokenize, where } from "./tokens";

export { type FqlError, FqlSyntaxError } from "./tokens";

export type FqlFunction = "match" | "contains" | "length" | "lowercase" | "typeof";
export type FqlCompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=" | "in";
export type FqlLiteral = string | number | boolean | null;

/** Offsets into the source, kept so editors can highlight nodes. */
interface Span {
  start: number;
  end: number;
}

export type FqlOperand =
  | ({ kind: "path"; path: string[] } & Span)
  | ({ kind: "literal"; value: FqlLiteral } & Span)
  | ({ kind: "list"; items: FqlOperand[] } & Span)
  | ({ kind: "call"; name: FqlFunction; args: FqlOperand[] } & Span);

export type FqlNode =
  | ({ kind: "or" | "and"; left: FqlNode; right: FqlNode } & Span)
  | ({ kind: "not"; operand: FqlNode } & Span)
  | ({ kind: "compare"; op: FqlCompareOp; left: FqlOperand; right: FqlOperand } & Span)
  /** A bare operand used as a condition: true only when it evaluates to exactly `true`. */
  | ({ kind: "test"; operand: FqlOperand } & Span);

export type FqlParseResult = { ok: true; ast: FqlNode } | { ok: false; error: FqlError };
export type FqlPredicate = (message: Record<string, unknown>) => boolean;

const FUNCTIONS: Record<
  FqlFunction,
  { arity: number; returns: "bool" | "number" | "string"; usage: string }
> = {
  match: { arity: 2, returns: "bool", usage: 'match(field, "pattern*")' },
  contains: { arity: 2, returns: "bool", usage: 'contains(field, "text")' },
  length: { arity: 1, returns: "number", usage: "length(field) > 0" },
  lowercase: { arity: 1, returns: "string", usage: 'lowercase(field) = "text"' },
  typeof: { arity: 1, returns: "string", usage: 'typeof(field) = "number"' },
};
const COMPARE_OPS = new Set<string>(["=", "!=", "<", "<=", ">", ">="]);
const EMPTY = "Condition is empty";
const MAX_DEPTH = 64;
const LITERAL_WORDS: Record<string, FqlLiteral> = { true: true, false: false, null: null };

export function parseFql(src: string): FqlParseResult {
  try {
    return { ok: true, ast: new Parser(src).parse() };
  } catch (e) {
    if (e instanceof FqlSyntaxError) return { ok: false, error: e.error };
    throw e;
  }
}

/** The message with its location appended when the message doesn't already say where. */
export function describeFqlError(error: FqlError): string {
  if (error.message === EMPTY || /\bcolumn \d+/.test(error.message)) return error.message;
  const loc = error.line > 1 ? `line ${error.line}, column ${error.column}` : `column ${error.column}`;
  return `${error.message} at ${loc}`;
}

/** Parses once and returns a closure-compiled predicate; throws FqlSyntaxError on invalid conditions. */
export function compileFql(src: string): FqlPredicate {
  const parsed = parseFql(src);
  if (!parsed.ok) throw new FqlSyntaxError(parsed.error);
  return compileNode(parsed.ast);
}

const compiledAsts = new WeakMap<FqlNode, FqlPredicate>();

export function evaluateFql(ast: FqlNode, message: Record<string, unknown>): boolean {
  let predicate = compiledAsts.get(ast);
  if (!predicate) {
    predicate = compileNode(ast);
    compiledAsts.set(ast, predicate);
  }
  return predicate(message);
}

const isWord = (t: Token, word: string) => t.kind === "path" && !t.escaped && t.raw === word;
const isKeyword = (t: Token) => isWord(t, "and") || isWord(t, "or") || isWord(t, "in");
const show = (t: Token) => (t.raw.length > 30 ? `${t.raw.slice(0, 30)}…` : t.raw);

function suggest(name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(FUNCTIONS).find((f) => distance(lower, f) <= 2 || lower.startsWith(f));
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  parse(): FqlNode {
    if (this.peek().kind === "eof") throw syntaxError(this.src, EMPTY, 0, 0);
    const node = this.parseOr();
    if (this.peek().kind !== "eof") throw this.stray(this.peek());
    return node;
  }

  /** A token left over after a complete condition. */
  private stray(t: Token): FqlSyntaxError {
    if (t.raw === ")") return this.error('Unexpected ")"', t);
    const lower = t.raw.toLowerCase();
    if (t.kind === "path" && (lower === "and" || lower === "or")) {
      return this.error(`Use lowercase "${lower}" instead of "${t.raw}" at ${this.at(t)}`, t);
    }
    return this.error(`Unexpected "${show(t)}" at ${this.at(t)} (missing "and" or "or"?)`, t);
  }

  private parseOr(): FqlNode {
    let left = this.parseAnd();
    while (isWord(this.peek(), "or")) {
      this.next();
      const right = this.parseAnd('"or"');
      left = { kind: "or", left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseAnd(after?: string): FqlNode {
    let left = this.parseUnary(after);
    while (isWord(this.peek(), "and")) {
      this.next();
      const right = this.parseUnary('"and"');
      left = { kind: "and", left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseUnary(after?: string): FqlNode {
    const t = this.peek();
    if (t.kind === "punct" && t.value === "!") {
      this.next();
      const operand = this.nested(t, () => this.parseUnary('"!"'));
      return { kind: "not", operand, start: t.start, end: operand.end };
    }
    if (t.kind === "punct" && t.value === "(") {
      this.next();
      const inner = this.nested(t, () => this.parseOr());
      const close = this.peek();
      if (close.kind === "eof") throw this.error(`Unclosed "(" at ${this.at(t)}`, t);
      if (close.raw !== ")") throw this.stray(close);
      this.next();
      return { ...inner, start: t.start, end: close.end };
    }
    const following = this.tokens[this.i + 1];
    const startsCondition =
      following !== undefined &&
      ((following.kind === "path" && !isKeyword(following)) ||
        following.raw === "(" ||
        following.raw === "!");
    if (isWord(t, "not") && startsCondition) {
      throw this.error(`Use "!" instead of "not" at ${this.at(t)}`, t);
    }
    return this.parseComparison(after);
  }

  private isOperator(index: number): boolean {
    const t = this.tokens[index]!;
    return COMPARE_OPS.has(t.raw) || isWord(t, "in");
  }

  private parseComparison(after?: string): FqlNode {
    const left = this.parseOperand(after, "condition");
    const opToken = this.peek();
    if (!this.isOperator(this.i)) {
      this.requireBoolean(left);
      return { kind: "test", operand: left, start: left.start, end: left.end };
    }
    this.next();
    const op = opToken.raw as FqlCompareOp;
    const right = this.parseOperand(`"${op}"`, "value");
    if (this.isOperator(this.i)) {
      const t = this.peek();
      throw this.error(
        `Unexpected "${t.raw}" at ${this.at(t)}: comparisons can't be chained, join them with "and"`,
        t,
      );
    }
    return { kind: "compare", op, left, right, start: left.start, end: right.end };
  }

  private requireBoolean(operand: FqlOperand): void {
    if (operand.kind === "path" || (operand.kind === "literal" && typeof operand.value === "boolean")) return;
    if (operand.kind === "call" && FUNCTIONS[operand.name].returns === "bool") return;
    if (operand.kind === "call") {
      const { returns, usage } = FUNCTIONS[operand.name];
      throw this.errorAt(
        `${operand.name}() gives a ${returns}, not true/false; compare it, e.g. ${usage}`,
        operand,
      );
    }
    throw this.errorAt(
      'A value on its own is not a condition; compare a field with it, e.g. event = "Signed Up"',
      operand,
    );
  }

  private parseOperand(after: string | undefined, expected: "condition" | "value"): FqlOperand {
    const t = this.next();
    if (t.kind === "string" || t.kind === "number") return { kind: "literal", value: t.value, ...span(t) };
    if (t.kind === "path" && !isKeyword(t)) {
      if (!t.escaped && t.segments.length === 1) {
        if (Object.hasOwn(LITERAL_WORDS, t.raw))
          return { kind: "literal", value: LITERAL_WORDS[t.raw]!, ...span(t) };
        if (this.peek().raw === "(") return this.nested(t, () => this.parseCall(t));
      }
      return { kind: "path", path: t.segments, ...span(t) };
    }
    if (t.kind === "punct" && t.value === "[") return this.nested(t, () => this.parseList(t));
    if (after) throw this.error(`Expected a ${expected} after ${after} at ${this.at(t)}`, t);
    throw this.error(t.raw === ")" ? 'Unexpected ")"' : `Unexpected "${show(t)}" at ${this.at(t)}`, t);
  }

  private parseCall(nameToken: Token): FqlOperand {
    const name = nameToken.raw;
    if (!Object.hasOwn(FUNCTIONS, name)) {
      const guess = suggest(name);
      throw this.error(`Unknown function "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}`, nameToken);
    }
    const open = this.next();
    const args = this.parseItems(open, ")", `${name}(`);
    const call = {
      kind: "call" as const,
      name: name as FqlFunction,
      args,
      start: nameToken.start,
      end: this.prev().end,
    };
    const spec = FUNCTIONS[call.name];
    if (args.length !== spec.arity) {
      const count = spec.arity === 1 ? "1 argument" : `${spec.arity} arguments`;
      throw this.errorAt(`${name}() takes ${count}, e.g. ${spec.usage}`, call);
    }
    const pattern = args[1];
    if (name === "match" && pattern?.kind === "literal") {
      if (typeof pattern.value !== "string")
        throw this.errorAt("The pattern for match() must be a string", pattern);
      try {
        compileGlob(pattern.value);
      } catch (e) {
        if (e instanceof GlobError)
          throw this.errorAt(`${e.message} at ${where(this.src, pattern.start)}`, pattern);
        throw e;
      }
    }
    return call;
  }

  private parseList(open: Token): FqlOperand {
    const items = this.parseItems(open, "]", "[");
    return { kind: "list", items, start: open.start, end: this.prev().end };
  }

  /** Comma-separated operands up to `close`; the opening token has been consumed. */
  private parseItems(open: Token, close: ")" | "]", context: string): FqlOperand[] {
    const items: FqlOperand[] = [];
    if (this.peek().raw === close) {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.parseOperand(items.length ? '","' : `"${open.raw}"`, "value"));
      const t = this.next();
      if (t.raw === close) return items;
      if (t.raw === ",") continue;
      if (t.kind === "eof")
        throw this.error(`Missing "${close}" to close "${context}" opened at ${this.at(open)}`, t);
      throw this.error(`Expected "," or "${close}" at ${this.at(t)}`, t);
    }
  }

  /** Bounds recursion so a pathological condition gets an error instead of a stack overflow. */
  private nested<T>(t: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw this.error(`Too deeply nested (more than ${MAX_DEPTH} levels) at ${this.at(t)}`, t);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private prev(): Token {
    return this.tokens[this.i - 1]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== "eof") this.i++;
    return t;
  }

  private at(t: Token): string {
    return where(this.src, t.start);
  }

  private error(message: string, t: Token): FqlSyntaxError {
    return syntaxError(this.src, message, t.start, t.end - t.start);
  }

  private errorAt(message: string, s: Span): FqlSyntaxError {
    return syntaxError(this.src, message, s.start, s.end - s.start);
  }
}

const span = (t: Token): Span => ({ start: t.start, end: t.end });
