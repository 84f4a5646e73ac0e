// Public API of the catalog: source types and install snippets, destination types with their
// settings forms, validators and secret handling, and the use-case reference.

export * from "./destinations";
export { type FieldDef, HTTP_TOKEN } from "./fields";
export {
  getSourceType,
  SOURCE_TYPE_IDS,
  SOURCE_TYPES,
  sourceCategoryNote,
  sourceTypeName,
  sourceTypes,
  sourceTypesForUseCaseCategory,
  USE_CASE_SOURCE_CATEGORIES,
} from "./sources";
export {
  type Snippet,
  type SnippetContext,
  SOURCE_CATEGORIES,
  type SourceCategory,
  type SourceType,
} from "./types";
export {
  type BusinessGoal,
  businessGoals,
  getBusinessGoal,
  getUseCase,
  recommendationsForUseCase,
  slugify,
  type UseCase,
  type UseCaseEvent,
} from "./use-cases";
