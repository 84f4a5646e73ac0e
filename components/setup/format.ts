import { getDestinationType } from "@/lib/catalog";
import { COUNT_CAP_DISPLAY } from "@/lib/use-cases/display";

export const destinationTypeName = (id: string) => getDestinationType(id)?.name ?? id;

/** Counts are capped server-side; the cap reads as "1000+". */
export const countText = (n: number) => (n >= COUNT_CAP_DISPLAY ? `${COUNT_CAP_DISPLAY}+` : String(n));

/** Ids for test hooks and anchors: "Order Completed" -> "order-completed". */
export const idOf = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
