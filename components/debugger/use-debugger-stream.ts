"use client";

import { useCallback, useEffect, useRef, useState } from "react";

// The debugger's live connection: an EventSource on the source's SSE endpoint. The browser
// reconnects by itself and sends Last-Event-ID, so the server resumes without gap or duplicate.
// Incoming events are batched per animation frame (never one React render per event).

export const VIEW_CAP = 500;

export interface DebugEvent {
  seq: number;
  status: "accepted" | "rejected";
  reason: string | null;
  /** Protocols at ingest: violations, "blocked by schema / tracking plan", omitted fields. */
  protocol?: {
    violations?: { path: string; code: string; message: string }[];
    blocked?: { step: string; reason: string };
    omitted?: { step: string; path: string }[];
    forwardedFrom?: string;
  } | null;
  receivedAt: number;
  message: Record<string, unknown>;
  /** Lower-cased raw JSON, computed once, for the instant search box. */
  text: string;
}

export interface ServerFilter {
  types: string[];
  event: string;
  user: string;
  q: string;
  rejected: boolean;
}

export type Connection = "connecting" | "live" | "reconnecting" | "failed";

export function streamUrl(base: string, f: ServerFilter): string {
  const p = new URLSearchParams();
  if (f.types.length) p.set("types", f.types.join(","));
  if (f.event) p.set("event", f.event);
  if (f.user) p.set("user", f.user);
  if (f.q) p.set("q", f.q);
  if (f.rejected) p.set("rejected", "1");
  const qs = p.toString();
  return qs ? `${base}?${qs}` : base;
}

/**
 * `pinned`: an event is open, so the list must stay still. Live events that arrive while paused
 * or pinned wait in a buffer (capped like the list) until `release()` or until neither holds.
 * The backlog sent on connecting (or after a filter change) always goes straight into the list.
 */
export function useDebuggerStream(url: string, pinned = false) {
  const [events, setEvents] = useState<DebugEvent[]>([]);
  const [paused, setPaused] = useState(false);
  /** Live events that arrived while held (all of them, even past the cap). */
  const [buffered, setBuffered] = useState(0);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [ready, setReady] = useState(false);
  const [sample, setSample] = useState<{ arrived: number; shown: number } | null>(null);
  const incoming = useRef<DebugEvent[]>([]);
  const held = useRef<DebugEvent[]>([]);
  const holding = useRef(false);
  const live = useRef(false);
  const frame = useRef<number | null>(null);

  const flush = useCallback(() => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    const batch = incoming.current;
    if (batch.length === 0) return;
    incoming.current = [];
    const newestFirst = batch.reverse();
    if (live.current && holding.current) {
      held.current = [...newestFirst, ...held.current].slice(0, VIEW_CAP);
      setBuffered((n) => n + batch.length);
    } else {
      setEvents((prev) => [...newestFirst, ...prev].slice(0, VIEW_CAP));
    }
  }, []);

  const release = useCallback(() => {
    const releasing = held.current;
    held.current = [];
    setBuffered(0);
    if (releasing.length) setEvents((prev) => [...releasing, ...prev].slice(0, VIEW_CAP));
  }, []);

  useEffect(() => {
    holding.current = paused || pinned;
    if (!holding.current) release();
  }, [paused, pinned, release]);

  useEffect(() => {
    setEvents([]);
    setReady(false);
    setSample(null);
    setBuffered(0);
    setConnection("connecting");
    incoming.current = [];
    held.current = [];
    live.current = false;
    const source = new EventSource(url);
    source.onopen = () => setConnection("live");
    source.onerror = () =>
      setConnection(source.readyState === EventSource.CLOSED ? "failed" : "reconnecting");
    source.onmessage = (e) => {
      const parsed = JSON.parse(e.data) as Omit<DebugEvent, "text">;
      incoming.current.push({ ...parsed, text: e.data.toLowerCase() });
      frame.current ??= requestAnimationFrame(flush);
    };
    source.addEventListener("ready", () => {
      // Everything before the first "ready" is the backlog: shown now, never held.
      // After a reconnect, what the server resends is new to this page, so it is live.
      flush();
      live.current = true;
      setReady(true);
    });
    source.addEventListener("sample", (e) => setSample(JSON.parse((e as MessageEvent).data)));
    return () => {
      source.close();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [url, flush]);

  return { events, paused, setPaused, buffered, release, connection, ready, sample };
}
