/** Errors as text for records and logs: what a source's lastError or a page error says, bounded. */

/** A stored error message is cut to this many characters: a record must not grow with a server's error page. */
export const MAX_ERROR_CHARS = 500;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message cut to `max` characters, an ellipsis marking the cut. */
export function clipMessage(text: string, max = MAX_ERROR_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
