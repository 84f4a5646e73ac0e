import { describe, expect, it } from "vitest";
import { GroupCommitter } from "@/lib/ingest/group-commit";
import type { AppendResult, ArchivedMessage, ArchiveStore } from "@/lib/ingest/store";

function fakeStore(fail = false) {
  const calls: number[] = [];
  let seq = 0;
  const store: ArchiveStore = {
    append: async (batch: ArchivedMessage[]): Promise<AppendResult> => {
      calls.push(batch.length);
      if (fail) throw new Error("disk full");
      return { seqs: batch.map(() => ++seq), stored: batch.length, duplicates: 0 };
    },
    recent: () => [],
    prune: () => 0,
  };
  return { store, calls };
}

const rows = (n: number) => Array.from({ length: n }, () => ({}) as ArchivedMessage);

describe("GroupCommitter", () => {
  it("writes everything submitted in one event-loop turn in one append, then calls back with offsets", async () => {
    const { store, calls } = fakeStore();
    const committer = new GroupCommitter(store);
    const results: [number, number | null][] = [];
    for (const n of [2, 3, 1]) {
      committer.submit(rows(n), (_err, result, offset) => results.push([offset, result!.seqs[offset]!]));
    }
    expect(results).toEqual([]);
    await committer.flush();
    expect(calls).toEqual([6]);
    expect(results).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
  });

  it("fails every request of a failed group", async () => {
    const { store } = fakeStore(true);
    const committer = new GroupCommitter(store);
    const errors: string[] = [];
    committer.submit(rows(1), (err) => errors.push(err!.message));
    committer.submit(rows(1), (err) => errors.push(err!.message));
    await committer.flush();
    expect(errors).toEqual(["disk full", "disk full"]);
  });

  it("splits very large groups", async () => {
    const { store, calls } = fakeStore();
    const committer = new GroupCommitter(store, { maxRowsPerCommit: 5 });
    for (let i = 0; i < 4; i++) committer.submit(rows(3), () => {});
    await committer.flush();
    expect(calls).toEqual([3, 3, 3, 3]);
  });
});
