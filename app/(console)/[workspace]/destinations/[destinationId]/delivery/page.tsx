import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/states";

export const metadata: Metadata = { title: "Event delivery" };

// Filled in with the delivery engine (issue 5/6): counts per outcome over time and recent attempts.
export default function DestinationDeliveryPage() {
  return (
    <EmptyState title="No deliveries to show yet">
      Once events flow from the connected sources, this tab shows how many were delivered, filtered, not
      supported by this destination or failed, over time, with the latest attempts and the destination’s
      responses so failures can be diagnosed and retried.
    </EmptyState>
  );
}
