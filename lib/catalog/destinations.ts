// Destination catalog: the types, their settings forms and validators, and the helpers that keep
// secrets out of the browser. One file per destination lives in ./destinations/.

export { SECRET_MASK } from "./fields";
export {
  DESTINATION_TYPES,
  destinationCatalog,
  destinationTypes,
  destinationTypesInCategory,
  getDestinationType,
  isDestinationCategory,
  requireDestinationType,
  UnknownDestinationTypeError,
} from "./registry";
export {
  changedRoutingFields,
  joinSettings,
  maskSettings,
  mergeSettingsUpdate,
  resolveEndpoint,
  type SettingsValidation,
  secretKeys,
  secretsNotReentered,
  splitSecrets,
  validateSettings,
} from "./settings";
export {
  CALL_TYPES,
  type CallType,
  DESTINATION_CATEGORIES,
  type DestinationCategory,
  type DestinationType,
  type FieldKind,
  type FieldOption,
  type FieldSpec,
  type HeaderEntry,
  type RegionEndpoints,
} from "./types";
export {
  hasUrlCredentials,
  isSecretQueryParam,
  maskUrl,
  SECRET_QUERY_WORDS,
  urlCredentials,
} from "./url-secrets";
