import type { Metadata } from "next";
import { PlanEditor } from "@/components/protocols/plan-editor";

export const metadata: Metadata = { title: "Tracking plan" };

export default async function TrackingPlanPage({ params }: { params: Promise<{ planId: string }> }) {
  return <PlanEditor planId={(await params).planId} />;
}
