import type Database from "better-sqlite3";
import type { Maybe } from "@/lib/db/off-loop";
import { perform, pluck, run, type Work } from "@/lib/db/work";

// How far each derived metrics table is complete (epoch ms, exclusive), one row per table.

export type WatermarkName = "hourly" | "errors";

export function* watermarkOf(name: WatermarkName): Work<number | null> {
  const v = yield* pluck<number | null>(`SELECT "through" FROM "MetricsWatermark" WHERE "name" = ?`, [name]);
  return v === undefined || v === null ? null : Number(v);
}

/** The watermark now (synchronously on SQLite, off the event loop on PostgreSQL). */
export function watermark(db: Database.Database, name: WatermarkName): Maybe<number | null> {
  return perform(db, watermarkOf(name));
}

export function* setWatermark(name: WatermarkName, through: number): Work<void> {
  yield* run(
    `INSERT INTO "MetricsWatermark" ("name", "through") VALUES (?, ?)
     ON CONFLICT ("name") DO UPDATE SET "through" = excluded."through"`,
    [name, through],
  );
}

/** Sets a first value unless another process already did; returns the stored value. */
export function* initWatermark(name: WatermarkName, through: number): Work<number> {
  yield* run(
    `INSERT INTO "MetricsWatermark" ("name", "through") VALUES (?, ?) ON CONFLICT ("name") DO NOTHING`,
    [name, through],
  );
  return (yield* watermarkOf(name)) ?? through;
}
