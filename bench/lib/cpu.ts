import fs from "node:fs";
import { load, median, type ServerProcess } from "@/bench/lib/run";

// CPU per acknowledged event, per thread, read from /proc while a server is loaded (Linux only).
// Threads that name themselves (/proc/thread-self/comm) are reported under their name; the
// main thread is "event loop", unnamed ones are V8's and libuv's helpers.

const TICK_US = 1e6 / 100; // USER_HZ: /proc/<pid>/task/<tid>/stat counts in 1/100 s

/** CPU time (µs) per thread name of a process. */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    let comm: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
    } catch {
      continue; // the thread ended between readdir and read
    }
    // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const us = (Number(fields[11]) + Number(fields[12])) * TICK_US;
    const name = Number(tid) === pid ? "event loop" : comm === "node" ? "V8 helpers + libuv pool" : comm;
    out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}

function machineBusy(): { busy: number; total: number } {
  const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!;
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) * TICK_US, total: total * TICK_US };
}

export interface Loaded {
  eventsPerSec: number;
  /** µs of CPU per acknowledged event, by thread name (server side). */
  perEvent: Map<string, number>;
  serverPerEvent: number;
  generatorPerEvent: number;
  /** Share of the machine's CPU time that was busy, 0..1. */
  machineBusy: number;
}

/** Loads `server` with `body` on /v1/batch at -c 50 and reads everyone's CPU around it. */
export async function measure(
  server: ServerProcess,
  opts: { body: string; headers: Record<string, string>; batchSize: number; duration: number },
): Promise<Loaded> {
  const pid = server.child.pid!;
  const before = threadCpu(pid);
  const gen0 = process.cpuUsage();
  const m0 = machineBusy();
  const r = await load({
    url: `${server.url}/v1/batch`,
    body: opts.body,
    headers: opts.headers,
    connections: 50,
    duration: opts.duration,
  });
  const m1 = machineBusy();
  const gen = process.cpuUsage(gen0);
  const after = threadCpu(pid);
  const events = (r.total - r.non2xx) * opts.batchSize;
  const perEvent = new Map<string, number>();
  for (const [name, us] of after) perEvent.set(name, (us - (before.get(name) ?? 0)) / events);
  return {
    eventsPerSec: events / opts.duration,
    perEvent,
    serverPerEvent: [...perEvent.values()].reduce((a, b) => a + b, 0),
    generatorPerEvent: (gen.user + gen.system) / events,
    machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
  };
}

export interface Summary {
  eventsPerSec: number;
  perThread: Map<string, number>;
  server: number;
  generator: number;
  busy: number;
}

/** Medians over rounds, per thread too. */
export function summarise(xs: Loaded[]): Summary {
  const names = new Set(xs.flatMap((x) => [...x.perEvent.keys()]));
  const perThread = new Map([...names].map((n) => [n, median(xs.map((x) => x.perEvent.get(n) ?? 0))]));
  return {
    eventsPerSec: median(xs.map((x) => x.eventsPerSec)),
    perThread,
    server: median(xs.map((x) => x.serverPerEvent)),
    generator: median(xs.map((x) => x.generatorPerEvent)),
    busy: median(xs.map((x) => x.machineBusy)),
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(6);

export function printSummary(label: string, s: Summary): void {
  console.log(
    `\n${label}: ${Math.round(s.eventsPerSec).toLocaleString("en-US")} events/s, machine ${(s.busy * 100).toFixed(0)}% busy`,
  );
  for (const [name, us] of [...s.perThread].sort((x, y) => y[1] - x[1])) {
    if (us >= 0.05) console.log(`  ${name.padEnd(26)} ${fmt(us)} µs CPU per event`);
  }
  console.log(`  ${"server, all threads".padEnd(26)} ${fmt(s.server)} µs`);
  console.log(`  ${"load generator (this one)".padEnd(26)} ${fmt(s.generator)} µs`);
}

/** What 0.5x bare leaves per event: the cores at half the bare rate, minus the generator's share. */
export function budgetAtHalf(bare: Summary, generatorPerEvent: number, cores: number) {
  const target = bare.eventsPerSec / 2;
  return { target, server: (cores * 1e6) / target - generatorPerEvent, loop: 1e6 / target };
}
