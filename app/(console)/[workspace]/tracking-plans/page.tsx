import type { Metadata } from "next";
import { PlansList } from "@/components/protocols/plans-list";

export const metadata: Metadata = { title: "Tracking plans" };

export default async function TrackingPlansPage({
  searchParams,
}: {
  searchParams: Promise<{ fromUseCase?: string }>;
}) {
  return <PlansList fromUseCase={(await searchParams).fromUseCase ?? ""} />;
}
