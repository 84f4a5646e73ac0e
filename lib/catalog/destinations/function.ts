import { z } from "zod";
import type { DestinationType } from "../types";

// A destination whose delivery is a function's code (lib/functions). Created from the Functions
// page, never from the catalog picker, so it is registered for lookups only (registry.ts). Its
// settings are the ones its function declares, kept on the FunctionInstance, not here.
export const FUNCTION_DESTINATION_TYPE_ID = "function";

export const functionDestination: DestinationType = {
  id: FUNCTION_DESTINATION_TYPE_ID,
  name: "Destination Function",
  category: "Raw Data/Webhooks",
  description: "Your own JavaScript receives every event (onTrack, onIdentify, …) and may call fetch.",
  supportedTypes: ["track", "identify", "page", "screen", "group", "alias"],
  settings: z.object({}),
  fields: [],
  endpointField: "",
  example: {},
};
