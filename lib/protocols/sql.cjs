// Every raw SQL statement of Protocols (Source Schema aggregates, violations, schema filter
// counters), in one module so a PostgreSQL store can swap it. Plain CommonJS for the same reason
// as lib/ingest/sqlite-append.cjs: the archive writer thread loads it without a TypeScript loader.
//
// The aggregates are written by the archive's own write path, in the same transaction as the
// messages of one group commit: the group's observations are summed in memory first, so a group
// of 1,000 "Order Completed" events costs one upsert per distinct row, not one per event.

const HOUR_MS = 3_600_000;
/** Hourly buckets are kept for 8 days (the page shows 24 h and 7 d). */
const KEEP_HOURS = 8 * 24;
const SEP = "\u001f";
const PAIR = "\u001e";
const MAX_SAMPLES = 3;

const SQL = {
  upsertEntry: `INSERT INTO "SchemaEntry" ("sourceId", "kind", "name", "count", "firstSeen", "lastSeen")
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("sourceId", "kind", "name") DO UPDATE SET
    "count" = "SchemaEntry"."count" + excluded."count",
    "firstSeen" = CASE WHEN excluded."firstSeen" < "SchemaEntry"."firstSeen" THEN excluded."firstSeen" ELSE "SchemaEntry"."firstSeen" END,
    "lastSeen" = CASE WHEN excluded."lastSeen" > "SchemaEntry"."lastSeen" THEN excluded."lastSeen" ELSE "SchemaEntry"."lastSeen" END`,
  upsertProperty: `INSERT INTO "SchemaProperty" ("sourceId", "kind", "name", "path", "type", "count")
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("sourceId", "kind", "name", "path", "type") DO UPDATE SET
    "count" = "SchemaProperty"."count" + excluded."count"`,
  upsertHour: `INSERT INTO "SchemaHour" ("sourceId", "key", "hour", "count") VALUES (?, ?, ?, ?)
    ON CONFLICT ("sourceId", "key", "hour") DO UPDATE SET "count" = "SchemaHour"."count" + excluded."count"`,
  pruneHours: `DELETE FROM "SchemaHour" WHERE "hour" < ?`,
  violationSamples: `SELECT "samples" FROM "SchemaViolation" WHERE "sourceId" = ? AND "kind" = ? AND "name" = ? AND "path" = ? AND "code" = ?`,
  upsertViolation: `INSERT INTO "SchemaViolation" ("sourceId", "kind", "name", "path", "code", "message", "count", "firstSeen", "lastSeen", "samples")
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("sourceId", "kind", "name", "path", "code") DO UPDATE SET
    "message" = excluded."message", "count" = "SchemaViolation"."count" + excluded."count",
    "lastSeen" = CASE WHEN excluded."lastSeen" > "SchemaViolation"."lastSeen" THEN excluded."lastSeen" ELSE "SchemaViolation"."lastSeen" END,
    "samples" = excluded."samples"`,
  filterHits: `UPDATE "SchemaEventFilter" SET "hits" = "hits" + ? WHERE "id" = ?`,

  // Ingest's configuration reads (lib/protocols/resolver.ts) and routing's (lib/routing/table.ts).
  sourceProtocols: `SELECT "workspaceId", "trackingPlanId", "schemaConfig" FROM "Source" WHERE "id" = ?`,
  sourceInWorkspace: `SELECT "id" FROM "Source" WHERE "id" = ? AND "workspaceId" = ?`,
  planById: `SELECT "id", "version", "rules" FROM "TrackingPlan" WHERE "id" = ?`,
  eventFilters: `SELECT "id", "kind", "name", "action" FROM "SchemaEventFilter" WHERE "sourceId" = ?`,
  integrationFilters: `SELECT "sourceId", "kind", "name", "destinationId" FROM "SchemaIntegrationFilter"`,
  integrationFiltersFingerprint: `(SELECT COUNT(*) FROM "SchemaIntegrationFilter") AS sn,
    (SELECT MAX("updatedAt") FROM "SchemaIntegrationFilter") AS su`,

  // Reads for the console (lib/protocols/queries.ts). Volumes sum the hourly buckets since the
  // bound hour; the separator is bound too (the key format above), so nothing here is dialect-only.
  entryColumns: `e."kind", e."name", e."count", e."firstSeen", e."lastSeen",
      COALESCE((SELECT SUM(h."count") FROM "SchemaHour" h WHERE h."sourceId" = e."sourceId"
        AND h."key" = e."kind" || ? || e."name" AND h."hour" >= ?), 0) AS "volume"`,
  properties: `SELECT "path", "type", "count" FROM "SchemaProperty" WHERE "sourceId" = ? AND "kind" = ? AND "name" = ? ORDER BY "count" DESC, "path" LIMIT 200`,
  violations: `SELECT v."kind", v."name", v."path", v."code", v."message", v."count", v."firstSeen", v."lastSeen", v."samples",
      COALESCE((SELECT SUM(h."count") FROM "SchemaHour" h WHERE h."sourceId" = v."sourceId" AND h."key" =
        'v' || ? || v."kind" || ? || v."name" || ? || v."path" || ? || v."code" AND h."hour" >= ?), 0) AS "day",
      COALESCE((SELECT SUM(h."count") FROM "SchemaHour" h WHERE h."sourceId" = v."sourceId" AND h."key" =
        'v' || ? || v."kind" || ? || v."name" || ? || v."path" || ? || v."code" AND h."hour" >= ?), 0) AS "week"
    FROM "SchemaViolation" v WHERE v."sourceId" = ? ORDER BY v."lastSeen" DESC LIMIT 500`,
};

const SORT_COLUMNS = { name: '"name"', volume: '"volume"', lastSeen: '"lastSeen"', firstSeen: '"firstSeen"' };

/**
 * The Schema page's two queries (lib/protocols/queries.ts). Parameters, in order: count ->
 * sourceId, kind[, %search%]; page -> SEP, windowStartHour, sourceId, kind[, %search%], limit, offset.
 * sort/order are whitelisted here; nothing user-typed is spliced into SQL.
 */
function schemaPageSql(search, sort, order) {
  const where = `e."sourceId" = ? AND e."kind" = ?${search ? ` AND e."name" LIKE ? ESCAPE '\\'` : ""}`;
  const column = SORT_COLUMNS[sort] ?? '"volume"';
  const direction = order === "asc" ? "ASC" : "DESC";
  return {
    count: `SELECT COUNT(*) AS n FROM "SchemaEntry" e WHERE ${where}`,
    page: `SELECT * FROM (SELECT ${SQL.entryColumns} FROM "SchemaEntry" e WHERE ${where}) AS "page"
      ORDER BY ${column} ${direction}, "name" ASC LIMIT ? OFFSET ?`,
  };
}

/** The hour bucket of an epoch-ms instant. */
function hourOf(ms) {
  return Math.floor(ms / HOUR_MS);
}

/**
 * Collects groups' observations in memory. Call add() for every message actually stored (not for
 * duplicates), then drain() for the rows to upsert: the writers below apply them in the messages'
 * transaction (createSchemaWriter on SQLite, lib/ingest/pg-store.ts batched on PostgreSQL).
 */
function createSchemaCollector() {
  // Observation strings repeat (the same event shape over and over): parse each once.
  const parsed = new Map();
  let lastPrune = 0;
  let pendingRows = 0;
  // The source of the previous message (consecutive messages mostly share one).
  let lastSource = null;
  let lastBySource = null;
  let groups = new Map();
  let entries = new Map();
  let hours = new Map();
  let violations = new Map();
  let hits = new Map();

  function parse(obs) {
    let p = parsed.get(obs);
    if (p) return p;
    const parts = obs.split(SEP);
    p = { kind: parts[0], name: parts[1], props: parts.slice(2).map((x) => x.split(PAIR)) };
    if (parsed.size > 5000) parsed.clear();
    parsed.set(obs, p);
    return p;
  }

  function entry(sourceId, kind, name, g) {
    const key = sourceId + SEP + kind + SEP + name;
    let e = entries.get(key);
    if (!e) {
      e = { sourceId, kind, name, count: 0, first: g.first, last: g.last, props: new Map() };
      entries.set(key, e);
    }
    e.count += g.count;
    if (g.first < e.first) e.first = g.first;
    if (g.last > e.last) e.last = g.last;
    hour(sourceId, kind + SEP + name, g.hour, g.hourCount);
    if (g.otherHours) for (const [h, n] of g.otherHours) hour(sourceId, kind + SEP + name, h, n);
    return e;
  }

  function hour(sourceId, key, h, n) {
    const k = sourceId + SEP + key + SEP + h;
    hours.set(k, (hours.get(k) ?? 0) + n);
  }

  /**
   * obs: lib/protocols/observe.ts; protocol: the Message.protocol JSON or null. The hot path only
   * counts identical observations (one Map lookup per message); flush() expands them.
   */
  function add(sourceId, obs, protocol, receivedAt, messageId) {
    pendingRows++;
    if (obs) {
      let bySource = sourceId === lastSource ? lastBySource : groups.get(sourceId);
      if (!bySource) {
        bySource = new Map();
        groups.set(sourceId, bySource);
      }
      lastSource = sourceId;
      lastBySource = bySource;
      let g = bySource.get(obs);
      const h = Math.floor(receivedAt / HOUR_MS);
      if (!g) {
        g = { count: 0, first: receivedAt, last: receivedAt, hour: h, hourCount: 0, otherHours: null };
        bySource.set(obs, g);
      }
      g.count++;
      if (receivedAt < g.first) g.first = receivedAt;
      if (receivedAt > g.last) g.last = receivedAt;
      if (h === g.hour) g.hourCount++;
      else {
        g.otherHours ??= new Map();
        g.otherHours.set(h, (g.otherHours.get(h) ?? 0) + 1);
      }
    }
    if (!protocol) return;
    let verdict;
    try {
      verdict = JSON.parse(protocol);
    } catch {
      return;
    }
    for (const v of verdict.violations ?? []) {
      const key = [sourceId, v.kind, v.name, v.path, v.code].join(SEP);
      let agg = violations.get(key);
      if (!agg) {
        agg = {
          sourceId,
          kind: v.kind,
          name: v.name,
          path: v.path,
          code: v.code,
          message: v.message,
          count: 0,
          first: receivedAt,
          last: receivedAt,
          samples: [],
        };
        violations.set(key, agg);
      }
      agg.count++;
      agg.message = v.message;
      if (receivedAt > agg.last) agg.last = receivedAt;
      agg.samples.push({ messageId, receivedAt, value: v.value });
      if (agg.samples.length > MAX_SAMPLES) agg.samples.shift();
      hour(sourceId, ["v", v.kind, v.name, v.path, v.code].join(SEP), hourOf(receivedAt), 1);
    }
    const ids = [];
    if (verdict.blocked?.filterId) ids.push(verdict.blocked.filterId);
    for (const o of verdict.omitted ?? []) if (o.filterId) ids.push(o.filterId);
    for (const id of new Set(ids)) hits.set(id, (hits.get(id) ?? 0) + 1);
  }

  function expand() {
    for (const [sourceId, bySource] of groups) {
      for (const [obs, g] of bySource) {
        const p = parse(obs);
        if (p.kind === "identify" || p.kind === "group") {
          // One entry per trait; its "property" is the trait's own value (path "").
          for (const [trait, type] of p.props) {
            const e = entry(sourceId, p.kind, trait, g);
            e.props.set(PAIR + type, (e.props.get(PAIR + type) ?? 0) + g.count);
          }
        } else {
          const e = entry(sourceId, p.kind, p.name, g);
          for (const [path, type] of p.props) {
            const k = path + PAIR + type;
            e.props.set(k, (e.props.get(k) ?? 0) + g.count);
          }
        }
      }
    }
  }

  /**
   * What was collected since the last drain, as rows: entries, properties, hours, violations
   * (samples: the new ones; the writer merges them with the stored ones), filter hits, and the
   * hour before which hourly buckets are pruned (null when this hour was already pruned).
   */
  function drain(now) {
    pendingRows = 0;
    lastSource = null;
    lastBySource = null;
    expand();
    const out = {
      entries: [],
      properties: [],
      hours: [],
      violations: [...violations.values()],
      hits: [...hits],
      pruneBefore: null,
    };
    for (const e of entries.values()) {
      out.entries.push(e);
      for (const [k, n] of e.props) {
        const i = k.indexOf(PAIR);
        out.properties.push({
          sourceId: e.sourceId,
          kind: e.kind,
          name: e.name,
          path: k.slice(0, i),
          type: k.slice(i + 1),
          count: n,
        });
      }
    }
    for (const [k, n] of hours) {
      const first = k.indexOf(SEP);
      const last = k.lastIndexOf(SEP);
      out.hours.push({
        sourceId: k.slice(0, first),
        key: k.slice(first + 1, last),
        hour: Number(k.slice(last + 1)),
        count: n,
      });
    }
    const current = hourOf(now);
    if (current !== lastPrune) {
      lastPrune = current;
      out.pruneBefore = current - KEEP_HOURS;
    }
    groups = new Map();
    entries = new Map();
    hours = new Map();
    violations = new Map();
    hits = new Map();
    return out;
  }

  /** Drops what was collected (the transaction failed). */
  function reset() {
    pendingRows = 0;
    lastSource = null;
    lastBySource = null;
    groups = new Map();
    entries = new Map();
    hours = new Map();
    violations = new Map();
    hits = new Map();
  }

  return { add, drain, reset, pending: () => pendingRows };
}

/** A stored sample list (JSON) followed by new samples, the newest MAX_SAMPLES kept. */
function mergeSamples(stored, fresh) {
  if (stored == null || fresh.length >= MAX_SAMPLES) return fresh;
  try {
    return JSON.parse(stored).concat(fresh).slice(-MAX_SAMPLES);
  } catch {
    return fresh; // a damaged sample list is replaced
  }
}

/** The collector with a synchronous writer (SQLite: the archive writer thread and SqliteArchiveStore). */
function createSchemaWriter(db) {
  const st = {};
  for (const name of [
    "upsertEntry",
    "upsertProperty",
    "upsertHour",
    "pruneHours",
    "violationSamples",
    "upsertViolation",
    "filterHits",
  ]) {
    st[name] = db.prepare(SQL[name]);
  }
  const collector = createSchemaCollector();
  function flush(now) {
    const d = collector.drain(now);
    for (const e of d.entries) st.upsertEntry.run(e.sourceId, e.kind, e.name, e.count, e.first, e.last);
    for (const p of d.properties) st.upsertProperty.run(p.sourceId, p.kind, p.name, p.path, p.type, p.count);
    for (const h of d.hours) st.upsertHour.run(h.sourceId, h.key, h.hour, h.count);
    for (const v of d.violations) {
      const old = st.violationSamples.get(v.sourceId, v.kind, v.name, v.path, v.code);
      const samples = mergeSamples(old?.samples, v.samples);
      st.upsertViolation.run(
        v.sourceId,
        v.kind,
        v.name,
        v.path,
        v.code,
        v.message,
        v.count,
        v.first,
        v.last,
        JSON.stringify(samples),
      );
    }
    for (const [id, n] of d.hits) st.filterHits.run(n, id);
    if (d.pruneBefore !== null) st.pruneHours.run(d.pruneBefore);
  }
  return { add: collector.add, flush, reset: collector.reset, pending: collector.pending };
}

module.exports = {
  SQL,
  SEP,
  PAIR,
  HOUR_MS,
  MAX_SAMPLES,
  hourOf,
  createSchemaCollector,
  createSchemaWriter,
  mergeSamples,
  schemaPageSql,
};
