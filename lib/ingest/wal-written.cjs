// Counting committed bytes towards the next WAL checkpoint, shared by the writer thread
// (sqlite-writer.worker.cjs) and the inline writer (archive.ts). Plain CommonJS so the thread
// can load it without a TypeScript loader, like sqlite-append.cjs.

/**
 * Adds a commit's payload bytes to the checkpointer's counter and wakes it when they cross its
 * threshold (it sleeps on the counter with Atomics.waitAsync; see runCheckpointer).
 * @param written Int32Array on a SharedArrayBuffer (Checkpointer.written)
 */
function walWritten(written, bytes, threshold) {
  const before = Atomics.add(written, 0, bytes);
  if (before < threshold && before + bytes >= threshold) Atomics.notify(written, 0);
}

module.exports = { walWritten };
