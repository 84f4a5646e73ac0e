import { baseUrl, sessionCookie } from "@/e2e/api/support";

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A minimal SSE client over fetch, for tests: collects events until closed. */
export async function openStream(
  user: { id: string; email: string; name: string },
  path: string,
  lastEventId?: string,
) {
  const controller = new AbortController();
  const headers: Record<string, string> = {
    cookie: await sessionCookie(user),
    accept: "text/event-stream",
  };
  if (lastEventId) headers["last-event-id"] = lastEventId;
  const res = await fetch(`${baseUrl}${path}`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const done = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let idx = buffer.indexOf("\n\n");
        while (idx >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const ev: SseEvent = { event: "message", data: "" };
          let hasData = false;
          for (const line of block.split("\n")) {
            if (line.startsWith("id: ")) ev.id = line.slice(4);
            else if (line.startsWith("event: ")) ev.event = line.slice(7);
            else if (line.startsWith("data: ")) {
              ev.data += line.slice(6);
              hasData = true;
            }
          }
          if (hasData) {
            events.push(ev);
            for (const w of waiters.splice(0)) w();
          }
          idx = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    events,
    messages: () =>
      events.filter((e) => e.event === "message").map((e) => ({ id: e.id, ...JSON.parse(e.data) })),
    /** Waits until `predicate(events)` holds, or fails after `ms`. */
    async until(predicate: (events: SseEvent[]) => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!predicate(events)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`stream condition not met in ${ms} ms; got ${events.length} events`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, Math.min(left, 100));
        });
      }
    },
    /** Settles when the server ends the stream (or close() aborts it). */
    ended: done,
    close() {
      controller.abort();
      return done;
    },
  };
}
