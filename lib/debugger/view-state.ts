import { CALL_TYPES } from "@/lib/debugger/filter";

// The debugger's filter state: the search box, the "all history" switch (Enter in the box) and
// Advanced search are one value, shown as chips and kept in the page's query string, so a
// filtered view can be shared and survives a reload. The query parameters are the stream's own
// (types, event, user, q, rejected) plus `history`.

export interface ViewState {
  /** The search box: filters the loaded events as you type. */
  q: string;
  /** Enter pressed in the box: `q` also runs on the server, over all stored history. */
  history: boolean;
  types: string[];
  event: string;
  user: string;
  rejected: boolean;
}

export const EMPTY_VIEW: ViewState = {
  q: "",
  history: false,
  types: [],
  event: "",
  user: "",
  rejected: false,
};

/** The server's limit for every text filter (lib/debugger/filter.ts). */
export const TEXT_MAX = 200;

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: Params, key: string): string {
  const v = params instanceof URLSearchParams ? params.get(key) : params[key];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

const yes = (v: string) => v === "1" || v === "true";

/** Known call types only, once each, in the catalog's order (so chips and URLs read the same). */
export function callTypes(types: readonly string[]): string[] {
  return CALL_TYPES.filter((t) => types.includes(t));
}

/** Reads a shared URL leniently: unknown types and oversized text are dropped, never an error page. */
export function parseViewState(params: Params): ViewState {
  const text = (key: string) => {
    const v = get(params, key).trim();
    return v.length <= TEXT_MAX ? v : "";
  };
  const q = text("q");
  const types = callTypes(get(params, "types").split(","));
  return {
    q,
    history: Boolean(q) && yes(get(params, "history")),
    types,
    event: text("event"),
    user: text("user"),
    rejected: yes(get(params, "rejected")),
  };
}

/** The query string for the page URL ("" when nothing is filtered). */
export function viewQuery(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.q.trim()) p.set("q", s.q.trim());
  if (s.history && s.q.trim()) p.set("history", "1");
  if (s.types.length) p.set("types", s.types.join(","));
  if (s.event) p.set("event", s.event);
  if (s.user) p.set("user", s.user);
  if (s.rejected) p.set("rejected", "1");
  return p.toString();
}

/** What the SSE stream filters on: Advanced always, the search text only once it runs on all history. */
export function serverFilter(s: ViewState) {
  return {
    types: s.types,
    event: s.event,
    user: s.user,
    q: s.history ? s.q.trim() : "",
    rejected: s.rejected,
  };
}

/** Typing in the box: a changed text no longer is what ran over all history, so that part ends. */
export function withSearchText(s: ViewState, q: string): ViewState {
  return { ...s, q, history: s.history && q.trim() === s.q.trim() };
}

export interface Chip {
  key: string;
  label: string;
  remove: (s: ViewState) => ViewState;
}

export function activeChips(s: ViewState): Chip[] {
  const chips: Chip[] = [];
  const q = s.q.trim();
  if (q) chips.push({ key: "q", label: `search: "${q}"`, remove: (v) => ({ ...v, q: "", history: false }) });
  if (q && s.history)
    chips.push({ key: "history", label: "all history", remove: (v) => ({ ...v, history: false }) });
  for (const t of s.types)
    chips.push({
      key: `type:${t}`,
      label: `type: ${t}`,
      remove: (v) => ({ ...v, types: v.types.filter((x) => x !== t) }),
    });
  if (s.event) chips.push({ key: "event", label: `event: ${s.event}`, remove: (v) => ({ ...v, event: "" }) });
  if (s.user) chips.push({ key: "user", label: `user: ${s.user}`, remove: (v) => ({ ...v, user: "" }) });
  if (s.rejected)
    chips.push({ key: "rejected", label: "rejected only", remove: (v) => ({ ...v, rejected: false }) });
  return chips;
}
