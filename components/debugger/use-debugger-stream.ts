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

export function useDebuggerStream(url: string) {
  const [events, setEvents] = useState<DebugEvent[]>([]);
  const [paused, setPausedState] = useState(false);
  const [arrivedWhilePaused, setArrivedWhilePaused] = useState(0);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [ready, setReady] = useState(false);
  const [sample, setSample] = useState<{ arrived: number; shown: number } | null>(null);
  const incoming = useRef<DebugEvent[]>([]);
  const held = useRef<DebugEvent[]>([]);
  const pausedRef = useRef(false);
  const frame = useRef<number | null>(null);

  const flush = useCallback(() => {
    frame.current = null;
    const batch = incoming.current;
    if (batch.length === 0) return;
    incoming.current = [];
    const newestFirst = batch.reverse();
    if (pausedRef.current) {
      held.current = [...newestFirst, ...held.current].slice(0, VIEW_CAP);
      setArrivedWhilePaused((n) => n + batch.length);
    } else {
      setEvents((prev) => [...newestFirst, ...prev].slice(0, VIEW_CAP));
    }
  }, []);

  useEffect(() => {
    setEvents([]);
    setReady(false);
    setSample(null);
    setConnection("connecting");
    incoming.current = [];
    held.current = [];
    const source = new EventSource(url);
    source.onopen = () => setConnection("live");
    source.onerror = () =>
      setConnection(source.readyState === EventSource.CLOSED ? "failed" : "reconnecting");
    source.onmessage = (e) => {
      const parsed = JSON.parse(e.data) as Omit<DebugEvent, "text">;
      incoming.current.push({ ...parsed, text: e.data.toLowerCase() });
      frame.current ??= requestAnimationFrame(flush);
    };
    source.addEventListener("ready", () => setReady(true));
    source.addEventListener("sample", (e) => setSample(JSON.parse((e as MessageEvent).data)));
    return () => {
      source.close();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [url, flush]);

  const setPaused = useCallback((value: boolean) => {
    pausedRef.current = value;
    setPausedState(value);
    if (!value) {
      const releasing = held.current;
      held.current = [];
      setArrivedWhilePaused(0);
      if (releasing.length) setEvents((prev) => [...releasing, ...prev].slice(0, VIEW_CAP));
    }
  }, []);

  return { events, paused, setPaused, arrivedWhilePaused, connection, ready, sample };
}
