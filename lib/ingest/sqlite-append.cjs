// Appending one message to the archive with its deduplication, shared by SqliteArchiveStore
// (in-process) and the writer thread (sqlite-writer.worker.cjs). Plain CommonJS for the same
// reason as the worker: it must load without a TypeScript loader.
//
// "dedupKey" is unique per workspace, so inserting a message whose key is taken changes
// nothing. The row holding the key then decides: received inside the window, the message is a
// duplicate; older, that row gives the key up and the message is stored as new.

/**
 * @param db better-sqlite3 connection
 * @param sql { insertMessage, findKey, releaseKey } (sqlite-store.ts)
 * @returns append(insert, rows, i, workspaceId, dedupKey, windowStart): the new seq, or -1 for a
 *   duplicate. `insert(stmt, rows, i)` runs the INSERT for message i of the caller's rows.
 */
function createAppender(db, sql) {
  const insertMessage = db.prepare(sql.insertMessage);
  const findKey = db.prepare(sql.findKey);
  const releaseKey = db.prepare(sql.releaseKey);
  return function append(insert, rows, i, workspaceId, dedupKey, windowStart) {
    let info = insert(insertMessage, rows, i);
    if (info.changes === 0) {
      const holder = findKey.get(workspaceId, dedupKey);
      if (holder && Number(holder.receivedAt) >= windowStart) return -1;
      releaseKey.run(workspaceId, dedupKey);
      info = insert(insertMessage, rows, i);
      if (info.changes !== 1) throw new Error(`could not store message ${dedupKey} after releasing its key`);
    }
    return Number(info.lastInsertRowid);
  };
}

module.exports = { createAppender };
