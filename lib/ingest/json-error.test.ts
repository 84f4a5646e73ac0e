import { describe, expect, it } from "vitest";
import { describeJsonError, locateJsonError } from "@/lib/ingest/json-error";

describe("locateJsonError", () => {
  it.each([
    ['{"a":1,}', 7, /property name/],
    ['{"a" 1}', 5, /':'/],
    ["[1,2", 4, /','/],
    ["abc", 0, /unexpected 'a'/],
    ['{"a":1} x', 8, /after the JSON value/],
    ['{"a":"b\u0001"}', 7, /control character/],
    ['{"a":"\\x"}', 6, /invalid escape/],
    ['{"a":-}', 5, /invalid number/],
    ["", 0, /end of input/],
    ['{"a":"open', 10, /unterminated string/],
  ])("%j fails at %i", (text, position, problem) => {
    const found = locateJsonError(text);
    expect(found?.position).toBe(position);
    expect(found?.problem).toMatch(problem);
  });

  it("accepts valid JSON, including deep nesting", () => {
    expect(locateJsonError('{"a":[1,-2.5e3,true,false,null,{"b":"\\u00e9\\n"}],"c":{}}')).toBeNull();
    expect(locateJsonError(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).toBeNull();
  });

  it("gives line and column", () => {
    expect(describeJsonError('{\n  "a": tru\n}', "x")).toBe(
      "Invalid JSON at position 9 (line 2, column 8): unexpected 't', expected a value",
    );
  });
});
