/**
 * How long a source has been failing, from what its record already holds. The fetcher reports it at every refresh
 * (`SourceFailureAge`), and the "source failing for a day" alarm watches the largest (docs/operations.md). Pure.
 */
import { BACKOFF } from '../fetch/backoff';
import type { SourceState } from '../contracts/model';

/**
 * Seconds since the source last worked, while it fails; 0 when its last fetch succeeded (`errorCount` 0: a failure of
 * our own stores or queue does not count against the source). A source that never succeeded has no start to count
 * from, so the least time its consecutive failures can have taken under the backoff stands in: such a source reaches
 * the alarm too, later (24 hours read after about 37 hours of failures).
 */
export function sourceFailureAgeSeconds(state: Pick<SourceState, 'errorCount' | 'lastSuccessAt'>, now: Date): number {
  if (state.errorCount <= 0) return 0;
  const lastSuccess = state.lastSuccessAt ? Date.parse(state.lastSuccessAt) : Number.NaN;
  const milliseconds = Number.isNaN(lastSuccess) ? leastTimeFailing(state.errorCount) : now.getTime() - lastSuccess;
  return Math.max(0, Math.floor(milliseconds / 1000));
}

/** The shortest time `failures` consecutive failures span: the backoff's delays between them, each cut by the most jitter. */
export function leastTimeFailing(failures: number): number {
  let total = 0;
  for (let failure = 1; failure < failures; failure++) {
    total += Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.min(failure - 1, 30)) * (1 - BACKOFF.jitter);
  }
  return total;
}
