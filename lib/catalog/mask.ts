/** What a set secret looks like in the masked view; posting it back keeps the stored value. */
export const SECRET_MASK = "••••••";

const ENCODED_MASK = encodeURIComponent(SECRET_MASK).toUpperCase();

/** Whether text holds the mask, raw or percent-encoded (a URL whose masked credentials were kept). */
export function containsMask(text: string): boolean {
  return text.includes(SECRET_MASK) || text.toUpperCase().includes(ENCODED_MASK);
}
