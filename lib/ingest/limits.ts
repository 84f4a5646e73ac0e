// Segment's documented HTTP Tracking API limits, in bytes of UTF-8 JSON.

/** One message (and the whole body of a single-message call such as /v1/track). */
export const MAX_MESSAGE_BYTES = 32 * 1024;
/** A /v1/batch or /v1/import request, after decompression. */
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_BATCH_MESSAGES = 2500;
export const MAX_MESSAGE_ID_LENGTH = 100;

export const formatKb = (bytes: number) => `${bytes / 1024} KB`;
/**
 * Objects and arrays nested inside one message, counting the message itself as level 1
 * (`{"properties":{"a":1}}` is 2 levels). Not a Segment limit: deeper messages are rejected so
 * nothing behind the ingest meets nesting its call stack could not hold (see lib/ingest/shape.ts).
 */
export const MAX_NESTING_DEPTH = 100;
