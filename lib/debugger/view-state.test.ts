import { describe, expect, it } from "vitest";
import {
  activeChips,
  EMPTY_VIEW,
  parseViewState,
  serverFilter,
  viewQuery,
  withSearchText,
} from "@/lib/debugger/view-state";

describe("debugger view state", () => {
  it("round-trips through the query string", () => {
    const s = {
      q: "foo bar",
      history: true,
      types: ["track", "page"],
      event: "Signed Up",
      user: "ada",
      rejected: true,
    };
    const qs = viewQuery(s);
    expect(qs).toBe("q=foo+bar&history=1&types=track%2Cpage&event=Signed+Up&user=ada&rejected=1");
    expect(parseViewState(new URLSearchParams(qs))).toEqual(s);
    expect(viewQuery(EMPTY_VIEW)).toBe("");
  });

  it("reads a hand-edited URL leniently", () => {
    expect(
      parseViewState({
        types: "page,bogus,track,page",
        history: "1",
        event: "x".repeat(201),
        rejected: "yes",
      }),
    ).toEqual({ ...EMPTY_VIEW, types: ["track", "page"] });
    expect(parseViewState({ q: ["a", "b"], user: "  u1 " })).toEqual({ ...EMPTY_VIEW, q: "a", user: "u1" });
  });

  it("sends the search text to the server only once it runs on all history", () => {
    expect(serverFilter({ ...EMPTY_VIEW, q: "foo" }).q).toBe("");
    expect(serverFilter({ ...EMPTY_VIEW, q: " foo ", history: true }).q).toBe("foo");
  });

  it("ends the all-history search when the box changes or is cleared", () => {
    const searched = { ...EMPTY_VIEW, q: "Signed Up", history: true };
    expect(withSearchText(searched, "Signed Up ")).toMatchObject({ history: true });
    expect(withSearchText(searched, "Signed")).toMatchObject({ q: "Signed", history: false });
    expect(withSearchText(searched, "")).toEqual(EMPTY_VIEW);
  });

  it("shows one chip per active filter, each removing only itself", () => {
    const s = {
      q: "foo",
      history: true,
      types: ["track", "page"],
      event: "Signed Up",
      user: "ada",
      rejected: true,
    };
    const chips = activeChips(s);
    expect(chips.map((c) => c.label)).toEqual([
      'search: "foo"',
      "all history",
      "type: track",
      "type: page",
      "event: Signed Up",
      "user: ada",
      "rejected only",
    ]);
    expect(chips[0]!.remove(s)).toMatchObject({ q: "", history: false, types: ["track", "page"] });
    expect(chips[1]!.remove(s)).toMatchObject({ q: "foo", history: false });
    expect(chips[2]!.remove(s).types).toEqual(["page"]);
    expect(activeChips(EMPTY_VIEW)).toEqual([]);
  });
});
