"use client";

import { Bar, BarChart, ResponsiveContainer, Tooltip } from "recharts";
import { formatCount, formatTime } from "@/components/delivery/format";
import type { DestinationHealthRow } from "@/lib/metrics/types";

/** 24 hourly bars, delivered (green) under not delivered (red); empty hours are zero-height bars. */
export function HealthSparkline({ points }: { points: DestinationHealthRow["spark"] }) {
  return (
    <div className="h-8 w-32" data-testid="health-sparkline">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 0, right: 0, bottom: 0, left: 0 }} barCategoryGap={1}>
          <Tooltip
            labelFormatter={(_, items) => {
              const t = items?.[0]?.payload?.t as number | undefined;
              return t === undefined ? "" : formatTime(t);
            }}
            formatter={(v) => formatCount(Number(v))}
            wrapperStyle={{ fontSize: 11, zIndex: 10 }}
          />
          <Bar
            dataKey="delivered"
            name="Delivered"
            stackId="s"
            fill="var(--chart-spark-delivered)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="notDelivered"
            name="Not delivered"
            stackId="s"
            fill="var(--chart-spark-failed)"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
