import type { Metadata } from "next";
import { DestinationSettings } from "@/components/destinations/destination-settings";

export const metadata: Metadata = { title: "Destination settings" };

export default async function DestinationSettingsPage({
  params,
}: {
  params: Promise<{ destinationId: string }>;
}) {
  return <DestinationSettings destinationId={(await params).destinationId} />;
}
