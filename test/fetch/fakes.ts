/** In-memory fakes of the ports the refresh-source use case talks to. */
import { FetchError, type FetchRequest, type FetchResult, type Fetcher } from '../../functions/ports';
import type { ArticleMessage, SourceConfig, SourceState } from '../../functions/contracts/model';
import type { ArticleQueue, QueueSendResult, SeenUrlStore, SourceStore, UrlOutcome } from '../../functions/ports';
import type { Log, Telemetry } from '../../functions/shared/telemetry';
import { configuredOnly } from '../../functions/sources/configured-sources';
import type { CountMetric, GaugeMetric, MetricName } from '../../functions/shared/telemetry-contract';

export class InMemorySourceStore implements SourceStore {
  readonly states = new Map<string, SourceState>();
  failRegister = false;

  async registerSource(source: SourceConfig): Promise<SourceState> {
    if (this.failRegister) throw new Error('table unavailable');
    const existing = this.states.get(source.id);
    const state: SourceState = existing
      ? {
          ...existing,
          name: source.name,
          url: source.url,
          schedule: source.schedule,
          // Like the DynamoDB store: a changed URL starts afresh, without the old one's backoff and validators.
          ...(existing.url !== source.url && { errorCount: 0, nextAttemptAt: null, etag: null, lastModified: null, lastFullFetchAt: null }),
        }
      : {
          sourceId: source.id,
          name: source.name,
          url: source.url,
          schedule: source.schedule,
          lastFetchedAt: null,
          lastSuccessAt: null,
          lastError: null,
          lastErrorKind: null,
          errorCount: 0,
          nextAttemptAt: null,
          etag: null,
          lastModified: null,
          lastFullFetchAt: null,
          articleCount: 0,
          lastPageError: null,
          lastPageErrorAt: null,
          pageErrorCount: 0,
        };
    this.states.set(source.id, state);
    return state;
  }

  async getSource(sourceId: string): Promise<SourceState | null> {
    return this.states.get(sourceId) ?? null;
  }

  async saveFetchState(state: SourceState): Promise<void> {
    const existing = this.states.get(state.sourceId);
    if (!existing) throw new Error(`unknown source ${state.sourceId}`);
    // Like the DynamoDB store: everything but id, name, url, articleCount and the page errors.
    this.states.set(state.sourceId, {
      ...state,
      name: existing.name,
      url: existing.url,
      articleCount: existing.articleCount,
      lastPageError: existing.lastPageError,
      lastPageErrorAt: existing.lastPageErrorAt,
      pageErrorCount: existing.pageErrorCount,
    });
  }

  async recordPageError(sourceId: string, error: { readonly message: string; readonly at: string }): Promise<void> {
    const existing = this.states.get(sourceId);
    if (existing) {
      this.states.set(sourceId, { ...existing, lastPageError: error.message, lastPageErrorAt: error.at, pageErrorCount: existing.pageErrorCount + 1 });
    }
  }

  async incrementArticleCount(sourceId: string, by = 1): Promise<void> {
    const existing = this.states.get(sourceId);
    if (existing) this.states.set(sourceId, { ...existing, articleCount: existing.articleCount + by });
  }

  /** As the DynamoDB store records it; null until recorded. */
  configured: readonly string[] | null = null;

  async listSources(): Promise<SourceState[]> {
    return configuredOnly([...this.states.values()], this.configured);
  }

  async recordConfiguredSources(sourceIds: readonly string[]): Promise<void> {
    this.configured = [...sourceIds];
  }
}

export class InMemorySeenUrlStore implements SeenUrlStore {
  readonly outcomes = new Map<string, UrlOutcome>();
  /** Deferred URLs: how many times, and until when (ms), like the DynamoDB store's marker. */
  readonly deferred = new Map<string, { deferrals: number; until: number }>();
  /** Queued URLs without an outcome: until when (ms) their mark holds them back from the fetcher. */
  readonly queued = new Map<string, number>();
  /** Every markQueued call, written or not: who marks, and how often. */
  readonly markCalls: { readonly url: string; readonly until: number }[] = [];
  /** When set, markQueued fails with it. */
  markFailure: Error | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  async filterUnseen(urls: readonly string[]): Promise<string[]> {
    return urls.filter((url) => !this.outcomes.has(url) && !((this.deferred.get(url)?.until ?? 0) > this.now()));
  }

  async filterUnqueued(urls: readonly string[]): Promise<string[]> {
    return (await this.filterUnseen(urls)).filter((url) => !((this.queued.get(url) ?? 0) > this.now()));
  }

  async markQueued(url: string, until: Date): Promise<void> {
    this.markCalls.push({ url, until: until.getTime() });
    if (this.markFailure) throw this.markFailure;
    // Like the DynamoDB store's condition: a URL settled meanwhile keeps its outcome, and a mark is never shortened.
    if ((await this.filterUnseen([url])).length === 0) return;
    this.queued.set(url, Math.max(this.queued.get(url) ?? 0, until.getTime()));
  }

  async markSeen(url: string, outcome: UrlOutcome): Promise<void> {
    this.deferred.delete(url);
    this.queued.delete(url);
    this.outcomes.set(url, outcome);
  }

  async deferUrl(url: string, _reason: string, delayMsFor: (deferral: number) => number): Promise<number> {
    const deferrals = (this.deferred.get(url)?.deferrals ?? 0) + 1;
    this.queued.delete(url);
    this.deferred.set(url, { deferrals, until: this.now() + delayMsFor(deferrals) });
    return deferrals;
  }
}

export class RecordingQueue implements ArticleQueue {
  readonly sent: ArticleMessage[] = [];
  /** Messages for which this returns true are reported as failed (not sent). */
  rejects: (message: ArticleMessage) => boolean = () => false;
  broken = false;

  async sendArticles(messages: readonly ArticleMessage[]): Promise<QueueSendResult> {
    if (this.broken) throw new Error('queue unavailable');
    const failed = messages.filter((message) => this.rejects(message));
    this.sent.push(...messages.filter((message) => !failed.includes(message)));
    // As SqsArticleQueue reports a refusal: the first one's code and message.
    return failed.length > 0 ? { failed, cause: 'AccessDenied: User arn:aws:sts::123456789012:assumed-role/fetcher is not authorized' } : { failed };
  }
}

export interface CountRecord {
  readonly metric: CountMetric;
  readonly value: number;
  readonly dimension?: { readonly name: string; readonly value: string };
}

export class RecordingTelemetry implements Telemetry {
  readonly counts: CountRecord[] = [];
  readonly gauges: { readonly metric: GaugeMetric; readonly seconds: number }[] = [];
  readonly logs: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  readonly log: Log = {
    debug: (message, extra) => this.logs.push({ level: 'debug', message, extra }),
    info: (message, extra) => this.logs.push({ level: 'info', message, extra }),
    warn: (message, extra) => this.logs.push({ level: 'warn', message, extra }),
    error: (message, extra) => this.logs.push({ level: 'error', message, extra }),
  };

  count(metric: CountMetric, value = 1, dimension?: { readonly name: string; readonly value: string }): void {
    this.counts.push({ metric, value, dimension });
  }

  timing(): void {}

  gauge(metric: GaugeMetric, seconds: number): void {
    this.gauges.push({ metric, seconds });
  }

  total(metric: MetricName, dimensionValue?: string): number {
    return this.counts
      .filter((record) => record.metric === metric && (dimensionValue === undefined || record.dimension?.value === dimensionValue))
      .reduce((sum, record) => sum + record.value, 0);
  }
}

type Reply = FetchResult | FetchError | ((request: FetchRequest) => FetchResult | FetchError);

/** Answers from a script keyed by URL, and remembers what was asked. Unknown URLs are a 404. */
export class ScriptedFetcher implements Fetcher {
  readonly requests: { url: string; request: FetchRequest }[] = [];
  readonly replies = new Map<string, Reply>();

  async fetch(url: string, request: FetchRequest): Promise<FetchResult> {
    this.requests.push({ url, request });
    const reply = this.replies.get(url) ?? new FetchError('http', `HTTP 404 from ${url}`, { status: 404 });
    const result = typeof reply === 'function' ? reply(request) : reply;
    if (result instanceof FetchError) throw result;
    return result;
  }
}

export function ok(url: string, body: string | Buffer, headers: Record<string, string> = {}): FetchResult {
  return { status: 200, url, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body), notModified: false };
}

export function notModified(url: string, headers: Record<string, string> = {}): FetchResult {
  return { status: 304, url, headers, body: Buffer.alloc(0), notModified: true };
}
