import type Database from "better-sqlite3";

// How far each derived metrics table is complete (epoch ms, exclusive), one row per table.

export type WatermarkName = "hourly" | "errors";

export function watermark(db: Database.Database, name: WatermarkName): number | null {
  const v = db.prepare(`SELECT "through" FROM "MetricsWatermark" WHERE "name" = ?`).pluck().get(name);
  return v === undefined || v === null ? null : Number(v);
}

export function setWatermark(db: Database.Database, name: WatermarkName, through: number): void {
  db.prepare(
    `INSERT INTO "MetricsWatermark" ("name", "through") VALUES (?, ?)
     ON CONFLICT ("name") DO UPDATE SET "through" = excluded."through"`,
  ).run(name, through);
}

/** Sets a first value unless another process already did; returns the stored value. */
export function initWatermark(db: Database.Database, name: WatermarkName, through: number): number {
  db.prepare(
    `INSERT INTO "MetricsWatermark" ("name", "through") VALUES (?, ?) ON CONFLICT ("name") DO NOTHING`,
  ).run(name, through);
  return watermark(db, name) ?? through;
}
