/**
 * Which sources' records the API lists. A source removed from the configuration keeps its record (its article count,
 * its last error: the fetcher no longer runs it, so nothing updates it), but it is no longer one of the deployment's
 * sources: once a configuration is recorded (`CONFIGURED_SOURCES_SORT_KEY`, written at every deployment and by
 * `npm start`), only the records it names are listed. Without one (a table written before configurations were
 * recorded), every record is.
 */
export function configuredOnly<T extends { readonly sourceId: string }>(
  records: readonly T[],
  configured: readonly string[] | null,
): T[] {
  if (configured === null) return [...records];
  const ids = new Set(configured);
  return records.filter((record) => ids.has(record.sourceId));
}

/**
 * The ids of a configured-sources item's `sourceIds`, or null when it is not a list of strings (an item damaged by
 * hand is no reason to hide every source).
 */
export function readConfiguredIds(value: unknown): string[] | null {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) return null;
  return value;
}
