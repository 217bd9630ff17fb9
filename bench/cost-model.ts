/**
 * The cost model of docs/cost.md: public on-demand prices (us-east-1) applied to the figures `bench/work.ts` and
 * `bench/bundles.ts` measured, with every step of the arithmetic written out, so that `npm run bench` refreshes
 * the document whenever the code changes what an article costs.
 */

/** Prices as listed on the AWS pricing pages (us-east-1, on-demand, first tier, free tiers left out). */
export const PRICES = {
  lambdaArmGbSecond: { usd: 0.0000133334, display: '$0.0000133334 per GB-s', note: 'Lambda duration, arm64 (first 7.5 billion GB-s a month)' },
  lambdaRequest: { usd: 0.2 / 1e6, display: '$0.20 per million', note: 'Lambda requests' },
  sqsRequest: { usd: 0.4 / 1e6, display: '$0.40 per million', note: 'SQS standard queue requests (each 64 KB chunk is one)' },
  dynamoWrite: { usd: 0.625 / 1e6, display: '$0.625 per million', note: 'DynamoDB on-demand write request units (since the 2024-11-01 reduction)' },
  dynamoRead: { usd: 0.125 / 1e6, display: '$0.125 per million', note: 'DynamoDB on-demand read request units (since the 2024-11-01 reduction)' },
  dynamoStorageGbMonth: { usd: 0.25, display: '$0.25 per GB-month', note: 'DynamoDB storage, Standard table class (first 25 GB free)' },
  httpApiRequest: { usd: 1.0 / 1e6, display: '$1.00 per million', note: 'API Gateway HTTP API requests (first 300 million a month, 512 KB units)' },
  logsIngestGb: { usd: 0.5, display: '$0.50 per GB', note: 'CloudWatch Logs ingestion, Standard log class' },
  customMetricMonth: { usd: 0.3, display: '$0.30 per metric-month', note: 'CloudWatch custom metrics, EMF-extracted ones included (first 10,000)' },
  xrayTrace: { usd: 5.0 / 1e6, display: '$5.00 per million', note: 'X-Ray traces recorded (first 100,000 a month free)' },
  schedulerInvocation: { usd: 1.0 / 1e6, display: '$1.00 per million', note: 'EventBridge Scheduler invocations (after 14 million free a month)' },
} as const;

/** Where the prices come from: no AWS account or internet here, so stored copies of the public pages. */
export const PRICES_SOURCE =
  'us-east-1 list prices as published on aws.amazon.com/<service>/pricing, read on 2026-11-29 from stored copies of those pages ' +
  'and of the AWS announcements dated in the table (not from a bill); re-check them there before relying on the totals';

/** What the model assumes beyond the measurements; each one is printed with the figures. */
export const ASSUMPTIONS = {
  workerMemoryMb: 1024,
  apiMemoryMb: 512,
  /** Lambda gives one full vCPU at 1,769 MB and a proportional share below. */
  fullVcpuMb: 1769,
  batchSize: 10,
  /** Wall time of a batch spent waiting rather than computing: the ten page fetches (in parallel) and DynamoDB round trips. */
  workerWaitMsPerBatch: 1000,
  /** Wall time of an API call spent waiting on DynamoDB (one to three round trips of a few ms). */
  apiWaitMsPerCall: 15,
  /** START, END and REPORT lines Lambda writes per invocation. */
  platformLogBytesPerInvocation: 350,
  /** AWS reports cold starts in under 1% of invocations; 1% is used. */
  coldStartShare: 0.01,
  /** Mix of API traffic, as in the local web reader: listing pages, article pages, related lists. */
  apiMix: { listingPage: 0.4, article: 0.3, related: 0.3 },
  /** Steady API rate for the X-Ray default sampling rule (the first request each second, then 5%). */
  apiRequestsPerSecond: 10,
  /** X-Ray on the API function (lib/read-api.ts: off unless `-c apiTracing=true`). */
  apiTracing: false,
  /** Lambda's START/END/REPORT lines of the API function (lib/read-api.ts: left out, system logs at WARN). */
  apiSystemLogs: false,
} as const;

/** CloudFront and WAF, for the read path at the edge (docs/cost.md, "The read path at the edge"). */
export const EDGE_PRICES = {
  cloudFrontHttpsRequest: { usd: 0.01 / 1e4, display: '$0.0100 per 10,000', note: 'CloudFront HTTPS requests (United States, Mexico, Canada, Europe, Israel)' },
  cloudFrontTransferGb: { usd: 0.085, display: '$0.085 per GB', note: 'CloudFront data transfer out to the internet (first 10 TB, same regions); origin fetches from AWS free' },
  wafRequest: { usd: 0.6 / 1e6, display: '$0.60 per million', note: 'AWS WAF requests inspected' },
  wafWebAclMonth: { usd: 5, display: '$5.00 per month', note: 'AWS WAF web ACL' },
  wafRuleMonth: { usd: 1, display: '$1.00 per month', note: 'AWS WAF rule or AWS managed rule group (the common and known-bad-inputs groups carry no subscription)' },
  logsDataProtectionGb: { usd: 0.12, display: '$0.12 per GB', note: 'CloudWatch Logs data protection, per GB scanned (the API access logs)' },
} as const;

/** What the edge model assumes. */
export const EDGE_ASSUMPTIONS = {
  /** Share of reads CloudFront answers from its cache (lists live 30 s, articles 5 min at the edge): assumed, not measured. */
  cacheHitRatio: 0.9,
  /** Ratios shown beside it. */
  otherHitRatios: [0, 0.5, 0.8, 0.95, 0.99],
  /** One access log line of lib/read-api.ts's ACCESS_LOG_FIELDS with typical values. */
  accessLogBytesPerCall: 300,
  /** Rules of the web ACL (lib/edge-shield.ts): two managed groups and the rate rule. */
  wafRules: 3,
} as const;

/** The API's cost per million requests in this model before the read path's trims (X-Ray, platform lines, EMF). */
export const API_COST_BEFORE_EDGE = 2.59;

/** Share of calls X-Ray's default rule traces at a steady rate: the first each second, then 5%. */
function xraySampledShare(rate: number = ASSUMPTIONS.apiRequestsPerSecond): number {
  return (1 + 0.05 * (rate - 1)) / rate;
}

/** `bench:api`'s bytes per answer, plain and with If-None-Match (.bench/api.json). */
export interface ApiLoadFigures {
  bytesPerResponse?: number;
  requestsPerSecond?: number;
  latencyP99Ms?: number;
  conditional?: { bytesPerResponse?: number; requestsPerSecond?: number; latencyP99Ms?: number };
}

/**
 * The section of docs/cost.md on reads through CloudFront (and WAF): per million reads at a cache hit ratio, against
 * the API alone before the edge trims (`before`, the per-million cost of the API table as it was: X-Ray sampled,
 * Lambda's platform lines and the per-call EMF). `origin` is the API's per-million cost now.
 */
export function readPathCostSection(before: number, origin: Line[], apiLoad: ApiLoadFigures = {}, p = EDGE_PRICES, e = EDGE_ASSUMPTIONS): string {
  const M = 1e6;
  const accessLogGb = (e.accessLogBytesPerCall * M) / 1e9;
  const originLines: Line[] = [
    ...origin,
    {
      item: 'API access logs',
      arithmetic: `${e.accessLogBytesPerCall} bytes x ${n(M)} = ${n(accessLogGb, 2)} GB x $0.50, + $0.12 per GB scanned by their data protection policy`,
      cost: accessLogGb * (PRICES.logsIngestGb.usd + p.logsDataProtectionGb.usd),
    },
  ];
  const originTotal = originLines.reduce((sum, line) => sum + line.cost, 0);
  const perMillionReads = (hitRatio: number, waf: boolean) =>
    M * p.cloudFrontHttpsRequest.usd + (waf ? M * p.wafRequest.usd : 0) + (1 - hitRatio) * originTotal;
  const h = e.cacheHitRatio;
  const edge: Line[] = [
    { item: 'CloudFront HTTPS requests', arithmetic: `${n(M)} x $0.0100 per 10,000`, cost: M * p.cloudFrontHttpsRequest.usd },
    { item: 'AWS WAF requests (prod)', arithmetic: `${n(M)} x $0.60 per million`, cost: M * p.wafRequest.usd },
    {
      item: 'API calls (misses, and expired copies CloudFront revalidates)',
      arithmetic: `${n((1 - h) * 100, 0)}% = ${n((1 - h) * M)} calls x ${usd(originTotal)} per million (below)`,
      cost: (1 - h) * originTotal,
    },
  ];
  const total = edge.reduce((sum, line) => sum + line.cost, 0);
  const breakEven = 1 - (before - M * (p.cloudFrontHttpsRequest.usd + p.wafRequest.usd)) / originTotal;
  const table = (lines: Line[], label: string, sum: number) =>
    [
      '| Item | Arithmetic | Cost |',
      '|---|---|---:|',
      ...lines.map((line) => `| ${line.item} | ${line.arithmetic} | ${usd(line.cost)} |`),
      `| **${label}** | | **${usd(sum)}** |`,
    ].join('\n');
  const ratios = [...e.otherHitRatios.slice(0, 3), h, ...e.otherHitRatios.slice(3)];
  const transfer = (bytes: number) => ((bytes * M) / 1e9) * p.cloudFrontTransferGb.usd;
  const { bytesPerResponse: plainBytes, conditional } = apiLoad;
  const bytesParagraph =
    plainBytes !== undefined && conditional?.bytesPerResponse !== undefined
      ? `
Conditional requests cost the same at CloudFront and at the API (a revalidation still runs the read; the handler
hashes the body it would send), but a 304 carries no body: \`bench:api\` measured ${n(plainBytes, 0)} bytes per plain
answer (uncompressed) against ${n(conditional.bytesPerResponse, 0)} per 304, so a million browser revalidations answered
from the edge move ${usd(transfer(conditional.bytesPerResponse))} of data out instead of ${usd(transfer(plainBytes))}${
          conditional.requestsPerSecond !== undefined && apiLoad.requestsPerSecond !== undefined
            ? `; locally the API served ${n(conditional.requestsPerSecond, 0)} requests per second with If-None-Match against ${n(apiLoad.requestsPerSecond, 0)} without, p99 ${conditional.latencyP99Ms} ms against ${apiLoad.latencyP99Ms} ms`
            : ''
        }.
`
      : '';
  return `## The read path at the edge

Readers reach the API through the reader's CloudFront distribution (docs/reader.md), screened by AWS WAF in prod
(lib/edge-shield.ts). Per million reads, with **${n(h * 100, 0)}% answered from CloudFront's cache** (assumed, not measured:
lists live 30 s and articles 5 minutes at the edge, so a path read more than a few times per lifetime is mostly a hit),
against **${usd(before)}** per million for the API alone as the model stood before these trims:

${table(edge, 'Total', total)}

Without WAF (dev) ${usd(perMillionReads(h, false))}. By hit ratio, with WAF / without: ${ratios
    .map((ratio) => `${n(ratio * 100, 0)}%: ${usd(perMillionReads(ratio, true))} / ${usd(perMillionReads(ratio, false))}`)
    .join('; ')}. With WAF the edge pays for itself above a hit ratio of
${n(breakEven * 100, 0)}%. WAF also costs ${usd(p.wafWebAclMonth.usd + e.wafRules * p.wafRuleMonth.usd)} a month (the web ACL and its ${e.wafRules} rules) whatever the traffic.

Each API call now costs, per million (what reaches the API: a miss, or an expired copy CloudFront revalidates):

${table(originLines, 'Total', originTotal)}

Trimmed from the API (lib/read-api.ts, functions/http-api.ts), as the model showed them to be waste: X-Ray traces
(at ${ASSUMPTIONS.apiRequestsPerSecond} req/s the default rule kept ${n(xraySampledShare() * 100, 1)}% of calls, ${usd(xraySampledShare() * M * PRICES.xrayTrace.usd)} per million; \`-c apiTracing=true\` turns them
back on), Lambda's START/END/REPORT lines (350 bytes a call) and the EMF line of \`ApiRequests\` and \`ApiLatency\`
(276 bytes a call), which API Gateway's \`Count\` and \`Latency\` and Lambda's \`Duration\` measure already: a call that
goes well writes no log line of its own (test/handlers/http-api.test.ts). The API access logs, one line a call, were
left out of the earlier model; they are counted here.
${bytesParagraph}
| Edge price | Value |
|---|---|
${Object.values(p)
  .map((price) => `| ${price.note} | ${price.display} |`)
  .join('\n')}

CloudFront and WAF prices as published on aws.amazon.com/cloudfront/pricing and aws.amazon.com/waf/pricing (NA and
Europe edge locations, PriceClass_100, the stack's default), free tiers left out; re-check them there.
`;
}

export interface WorkFigures {
  fetcher: {
    dynamoRequestsPerQueuedArticle: number;
    writeUnitsPerQueuedArticle: number;
    readUnitsPerQueuedArticle: number;
    sqsRequestsPerQueuedArticle: number;
  };
  worker: {
    httpRequestsPerArticle: number;
    dynamoRequestsPerArticle: number;
    writeUnitsPerArticle: number;
    indexWriteUnitsPerArticle: number;
    readUnitsPerArticle: number;
    cpuMsPerArticle: number;
    logBytesPerArticle: number;
    extractCpuMsPerPage: number;
    sdkCpuMsPerRequest: number;
    usage: { sqsRequests: Record<string, number> };
    processed: number;
    failed: number;
  };
  storage: { bytesPerArticle: number };
  /** The corpus whose articles the outlets served (`--corpus`), null for the synthetic outlets. */
  corpus?: { file: string; lines: number } | null;
  /** Fetcher and worker together, per article actually stored. */
  perStoredArticle?: { stored: number; dynamoRequests: number; writeUnits: number; readUnits: number; bytes: number; dynamoUsdPerMillion: number };
  api: Record<'listingPage' | 'sourceListingPage' | 'article' | 'related', { dynamoRequestsPerCall: number; readUnitsPerCall: number; cpuMsPerCall: number; logBytesPerCall: number }>;
}

export interface BundleFigures {
  bundles: { name: string; loadMsMedianWithSourceMaps: number }[];
}

const usd = (value: number) => (value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`);
const n = (value: number, digits = 2) => Number(value.toFixed(digits)).toLocaleString('en-US');

interface Line {
  item: string;
  arithmetic: string;
  cost: number;
}

/**
 * A comment's figures, from the table design rather than a benchmark (docs/table-design.md, "Capacity per comment"):
 * the capacity units follow from the item sizes, which do not depend on the machine.
 */
export const COMMENT_FIGURES = {
  writeUnitsPerPost: 4,
  readUnitsPerPost: 1,
  dynamoRoundTripsPerPost: 4,
  lambdaMsPerPost: 80,
  bytesPerCommentStored: 330,
} as const;

/** The section of docs/cost.md on comments. */
export function commentCostSection(p: typeof PRICES = PRICES, memoryMb: number = ASSUMPTIONS.apiMemoryMb): string {
  const c = COMMENT_FIGURES;
  const M = 1e6;
  const gbSeconds = (c.lambdaMsPerPost / 1000) * (memoryMb / 1024) * M;
  const lines: Line[] = [
    { item: 'API Gateway HTTP API', arithmetic: `${n(M)} x $1.00 per million`, cost: M * p.httpApiRequest.usd },
    { item: 'Lambda requests (API)', arithmetic: `${n(M)} x $0.20 per million`, cost: M * p.lambdaRequest.usd },
    {
      item: 'Lambda duration (API)',
      arithmetic: `about ${c.lambdaMsPerPost} ms (${c.dynamoRoundTripsPerPost} DynamoDB round trips) x ${memoryMb / 1024} GB x ${n(M)} = ${n(gbSeconds, 0)} GB-s x $0.0000133334`,
      cost: gbSeconds * p.lambdaArmGbSecond.usd,
    },
    {
      item: 'DynamoDB writes',
      arithmetic: `${c.writeUnitsPerPost} WRU (2 rate windows, the comment, its count) x ${n(M)} x $0.625 per million`,
      cost: c.writeUnitsPerPost * M * p.dynamoWrite.usd,
    },
    {
      item: 'DynamoDB reads',
      arithmetic: `about ${c.readUnitsPerPost} RRU (the article's existence, billed on its size) x ${n(M)} x $0.125 per million`,
      cost: c.readUnitsPerPost * M * p.dynamoRead.usd,
    },
  ];
  const total = lines.reduce((sum, line) => sum + line.cost, 0);
  const storageGb = (c.bytesPerCommentStored * M) / 1e9;
  return `## Per million comments

From the table design, not measured: docs/table-design.md ("Capacity per comment") derives the units from the item
sizes, for a comment of up to about 790 bytes of text; a 2,000-character comment writes 2 to 8 more units.

| Item | Arithmetic | Cost |
|---|---|---:|
${lines.map((line) => `| ${line.item} | ${line.arithmetic} | ${usd(line.cost)} |`).join('\n')}
| **Total** | | **${usd(total)}** |

Kept comments cost ${c.bytesPerCommentStored} bytes each with DynamoDB's overhead: ${usd(storageGb * p.dynamoStorageGbMonth.usd)} a month per million (rate
windows expire a day after they end). A delete is 2 WRU and 1 RRU; reading the count with an article adds 0.5 RRU
to each \`GET /articles/{id}\` (${usd(0.5 * M * p.dynamoRead.usd)} per million).
`;
}

/** A run on real text, by the name of its corpus. */
export interface RealTextRun {
  readonly name: string;
  readonly work: WorkFigures;
}

/** The lines of the cost per million articles ingested, from one run's measured work. */
function ingestLines(work: WorkFigures, bundles: BundleFigures): Line[] {
  const a = ASSUMPTIONS;
  const p = PRICES;
  const M = 1e6;
  const invocations = M / a.batchSize;
  const workerCpuScale = a.fullVcpuMb / a.workerMemoryMb;
  const batchMs = work.worker.cpuMsPerArticle * a.batchSize * workerCpuScale + a.workerWaitMsPerBatch;
  const workerGbSeconds = invocations * (batchMs / 1000) * (a.workerMemoryMb / 1024);
  const workerLoad = bundles.bundles.find((b) => b.name === 'worker')?.loadMsMedianWithSourceMaps ?? 0;
  const initGbSeconds = invocations * a.coldStartShare * ((workerLoad * workerCpuScale) / 1000) * (a.workerMemoryMb / 1024);
  const writeUnits = work.worker.writeUnitsPerArticle + work.worker.indexWriteUnitsPerArticle + work.fetcher.writeUnitsPerQueuedArticle;
  const readUnits = work.worker.readUnitsPerArticle + work.fetcher.readUnitsPerQueuedArticle;
  const handled = Math.max(1, work.worker.processed + work.worker.failed);
  const workerSqsPerArticle = Object.values(work.worker.usage.sqsRequests).reduce((s, v) => s + v, 0) / handled;
  const sqsPerArticle = work.fetcher.sqsRequestsPerQueuedArticle + workerSqsPerArticle;
  const logBytes = work.worker.logBytesPerArticle + a.platformLogBytesPerInvocation / a.batchSize;
  const ingest: Line[] = [
    {
      item: 'Lambda requests (worker)',
      arithmetic: `${n(M)} articles / ${a.batchSize} per batch = ${n(invocations)} invocations x $0.20 per million`,
      cost: invocations * p.lambdaRequest.usd,
    },
    {
      item: 'Lambda duration (worker)',
      arithmetic:
        `per batch: ${work.worker.cpuMsPerArticle} ms CPU x ${a.batchSize} x ${n(workerCpuScale)} (CPU share at ${a.workerMemoryMb} MB) + ${a.workerWaitMsPerBatch} ms waiting = ${n(batchMs, 0)} ms; ` +
        `${n(invocations)} x ${n(batchMs / 1000, 3)} s x ${a.workerMemoryMb / 1024} GB = ${n(workerGbSeconds, 0)} GB-s x $${p.lambdaArmGbSecond.usd}`,
      cost: workerGbSeconds * p.lambdaArmGbSecond.usd,
    },
    {
      item: 'Lambda INIT (worker cold starts)',
      arithmetic: `${a.coldStartShare * 100}% of ${n(invocations)} invocations x ${workerLoad} ms bundle load x ${n(workerCpuScale)} = ${n(initGbSeconds, 1)} GB-s`,
      cost: initGbSeconds * p.lambdaArmGbSecond.usd,
    },
    {
      item: 'DynamoDB writes',
      arithmetic:
        `(${work.worker.writeUnitsPerArticle} table + ${work.worker.indexWriteUnitsPerArticle} index WRU by the worker + ${work.fetcher.writeUnitsPerQueuedArticle} by the fetcher) = ` +
        `${n(writeUnits)} WRU per article x ${n(M)} x $0.625 per million`,
      cost: writeUnits * M * p.dynamoWrite.usd,
    },
    {
      item: 'DynamoDB reads',
      arithmetic: `(${work.worker.readUnitsPerArticle} + ${work.fetcher.readUnitsPerQueuedArticle}) = ${n(readUnits)} RRU per article x ${n(M)} x $0.125 per million`,
      cost: readUnits * M * p.dynamoRead.usd,
    },
    {
      item: 'SQS',
      arithmetic: `${n(work.fetcher.sqsRequestsPerQueuedArticle)} (send) + ${n(workerSqsPerArticle)} (receive, delete) = ${n(sqsPerArticle)} requests per article x ${n(M)} x $0.40 per million`,
      cost: sqsPerArticle * M * p.sqsRequest.usd,
    },
    {
      item: 'CloudWatch Logs ingestion',
      arithmetic: `(${work.worker.logBytesPerArticle} bytes of logs and EMF + ${a.platformLogBytesPerInvocation} / ${a.batchSize} platform) = ${n(logBytes, 0)} bytes x ${n(M)} = ${n((logBytes * M) / 1e9, 3)} GB x $0.50`,
      cost: ((logBytes * M) / 1e9) * p.logsIngestGb.usd,
    },
    {
      item: 'X-Ray (active tracing, at most)',
      arithmetic: `at most one trace per invocation: ${n(invocations)} x $5.00 per million`,
      cost: invocations * p.xrayTrace.usd,
    },
  ];
  return ingest;
}

export function costDocument(
  work: WorkFigures,
  bundles: BundleFigures,
  header: string,
  realText: readonly RealTextRun[] = [],
  apiLoad: ApiLoadFigures = {},
): string {
  const a = ASSUMPTIONS;
  const p = PRICES;
  const M = 1e6;
  const ingest = ingestLines(work, bundles);
  const storageGb = (work.storage.bytesPerArticle * M) / 1e9;

  // Per million API requests.
  const mix = a.apiMix;
  const related = work.api.related;
  const weighted = (key: 'dynamoRequestsPerCall' | 'readUnitsPerCall' | 'cpuMsPerCall' | 'logBytesPerCall') =>
    mix.listingPage * work.api.listingPage[key] + mix.article * work.api.article[key] + mix.related * related[key];
  const apiCpuScale = a.fullVcpuMb / a.apiMemoryMb;
  const apiMs = weighted('cpuMsPerCall') * apiCpuScale + a.apiWaitMsPerCall;
  const apiGbSeconds = M * (apiMs / 1000) * (a.apiMemoryMb / 1024);
  const apiRru = weighted('readUnitsPerCall');
  const apiPlatformBytes = a.apiSystemLogs ? a.platformLogBytesPerInvocation : 0;
  const apiLogBytes = weighted('logBytesPerCall') + apiPlatformBytes;
  const sampled = xraySampledShare();
  const api: Line[] = [
    { item: 'API Gateway HTTP API', arithmetic: `${n(M)} x $1.00 per million`, cost: M * p.httpApiRequest.usd },
    { item: 'Lambda requests (API)', arithmetic: `${n(M)} x $0.20 per million`, cost: M * p.lambdaRequest.usd },
    {
      item: 'Lambda duration (API)',
      arithmetic:
        `${n(weighted('cpuMsPerCall'))} ms CPU per call (mix) x ${n(apiCpuScale)} (CPU share at ${a.apiMemoryMb} MB) + ${a.apiWaitMsPerCall} ms waiting = ${n(apiMs, 1)} ms; ` +
        `${n(M)} x ${n(apiMs / 1000, 4)} s x ${a.apiMemoryMb / 1024} GB = ${n(apiGbSeconds, 0)} GB-s x $${p.lambdaArmGbSecond.usd}`,
      cost: apiGbSeconds * p.lambdaArmGbSecond.usd,
    },
    {
      item: 'DynamoDB reads',
      arithmetic: `${n(apiRru, 3)} RRU per call (mix; ${n(weighted('dynamoRequestsPerCall'))} requests) x ${n(M)} x $0.125 per million`,
      cost: apiRru * M * p.dynamoRead.usd,
    },
    {
      item: 'CloudWatch Logs ingestion',
      arithmetic: `(${n(weighted('logBytesPerCall'), 0)} + ${apiPlatformBytes} platform${a.apiSystemLogs ? '' : ': system logs at WARN'}) bytes x ${n(M)} = ${n((apiLogBytes * M) / 1e9, 3)} GB x $0.50`,
      cost: ((apiLogBytes * M) / 1e9) * p.logsIngestGb.usd,
    },
    a.apiTracing
      ? {
          item: 'X-Ray (default sampling)',
          arithmetic: `at ${a.apiRequestsPerSecond} req/s the rule keeps 1 + 5% of the rest = ${n(sampled * 100, 1)}% of ${n(M)} x $5.00 per million`,
          cost: sampled * M * p.xrayTrace.usd,
        }
      : {
          item: 'X-Ray',
          arithmetic: `off (\`-c apiTracing=true\`: at ${a.apiRequestsPerSecond} req/s the default rule keeps ${n(sampled * 100, 1)}% of ${n(M)} x $5.00 per million)`,
          cost: 0,
        },
  ];

  const ingestTotal = ingest.reduce((sum, line) => sum + line.cost, 0);
  const table = (lines: Line[]) =>
    [
      '| Item | Arithmetic | Cost |',
      '|---|---|---:|',
      ...lines.map((line) => `| ${line.item} | ${line.arithmetic} | ${usd(line.cost)} |`),
      `| **Total** | | **${usd(lines.reduce((s, l) => s + l.cost, 0))}** |`,
    ].join('\n');

  return `# Cost model

${header}

Dollars per million articles ingested and per million API requests, from the figures \`npx tsx bench/work.ts\` and
\`npm run bench:bundles\` measured in the run above (docs/benchmarks.md) and the public on-demand prices of us-east-1.
\`npm run bench\` rewrites this file; the prices and assumptions live in \`bench/cost-model.ts\`.

## Prices (us-east-1, on-demand)

${PRICES_SOURCE}. Free tiers are left out of the totals (they matter only for small deployments).

| Price | Value |
|---|---|
${Object.values(p)
  .map((price) => `| ${price.note} | ${price.display} |`)
  .join('\n')}
| Lambda INIT phase of ZIP functions on managed runtimes | billed like the handler's duration since 2025-08-01 |
| EventBridge rules on a schedule (what lib/ingestion.ts uses) | no charge per invocation |

## Assumptions (not measured here)

- Memory: worker ${a.workerMemoryMb} MB, API ${a.apiMemoryMb} MB (lib/ingestion.ts, lib/read-api.ts). Lambda gives a full vCPU at
  ${a.fullVcpuMb} MB, a proportional share below, so CPU time measured on one core is scaled by ${a.fullVcpuMb}/memory. The bench
  machine's cores (see docs/benchmarks.md) stand in for Graviton's.
- A worker batch holds ${a.batchSize} records and waits ${a.workerWaitMsPerBatch} ms on the network (ten page fetches in parallel, the DynamoDB
  round trips): real news sites answer in hundreds of milliseconds, which no local run can measure. An API call waits ${a.apiWaitMsPerCall} ms on DynamoDB.
- Cold starts in ${a.coldStartShare * 100}% of worker invocations, each billed for the bundle's load time (docs/benchmarks.md) scaled like CPU time.
- API mix: ${Object.entries(a.apiMix).map(([k, v]) => `${v * 100}% ${k}`).join(', ')}; X-Ray's default rule at a steady ${a.apiRequestsPerSecond} req/s.
- Lambda writes ${a.platformLogBytesPerInvocation} bytes of START/END/REPORT lines per invocation.

## Per million articles ingested

${table(ingest)}

Storage is a monthly cost on what is kept: ${n(work.storage.bytesPerArticle, 0)} bytes per article (items, DynamoDB's 100-byte
overhead per item, index entries) x ${n(M)} = ${n(storageGb, 2)} GB x $0.25 = **${usd(storageGb * p.dynamoStorageGbMonth.usd)} per month** for each million
articles kept (rejected and deferred URLs' records expire by TTL).

${realTextSection(realText, bundles)}Not per article: the fetcher's scheduled refreshes (per source and schedule; see its figures in docs/benchmarks.md), the event source
mapping's empty long polls while the queue is idle (a few hundred thousand SQS requests a month, about $0.10 to $0.30), and the custom
metrics (each metric name and dimension value is one metric at $0.30 a month: tens of dollars at most, whatever the traffic).

## Per million API requests

${table(api)}

Data transfer out of AWS ($0.09 per GB after the first 100 GB a month) comes on top for clients outside AWS: a listing page of 20
summaries is about 10 KB, so about 10 GB ($0.90) per million pages.

${readPathCostSection(API_COST_BEFORE_EDGE, api, apiLoad)}
${commentCostSection(p)}
## What drives the cost

Per article, by share of the total: ${[...ingest]
    .sort((x, y) => y.cost - x.cost)
    .slice(0, 3)
    .map((line) => `${line.item} ${n((line.cost / ingestTotal) * 100, 0)}%`)
    .join(', ')}. DynamoDB bills every item written at least one
write unit (1 KB), so the ${n(work.worker.writeUnitsPerArticle)} table WRU per article follow the number of items the worker writes (the
related-articles index's postings and later links, docs/related.md), not the article's size. The worker's CPU,
${work.worker.cpuMsPerArticle} ms per article against ${work.worker.extractCpuMsPerPage} ms for extraction alone, follows the same count: the SDK
spends ${work.worker.sdkCpuMsPerRequest} ms of CPU on one small GetItem (build, sign, send, parse), so ${n(work.worker.dynamoRequestsPerArticle)} requests come to about
${n(work.worker.dynamoRequestsPerArticle * work.worker.sdkCpuMsPerRequest, 0)} ms before the items themselves are marshalled.
`;
}

/**
 * The same model over runs of \`bench/work.ts --corpus\` on the labelled dev sets (real news text): the index's cost
 * follows how many articles each one is related to, which synthetic text cannot show.
 */
function realTextSection(runs: readonly RealTextRun[], bundles: BundleFigures): string {
  if (runs.length === 0) return '';
  const rows = runs.map(({ name, work }) => {
    const lines = ingestLines(work, bundles);
    const total = lines.reduce((sum, line) => sum + line.cost, 0);
    const dynamo = lines.filter((line) => line.item.startsWith('DynamoDB')).reduce((sum, line) => sum + line.cost, 0);
    const s = work.perStoredArticle;
    const stored = s ? `${s.stored} of ${work.corpus?.lines ?? '?'}` : '?';
    return `| ${name} | ${stored} | ${s ? n(s.dynamoRequests, 1) : '?'} | ${s ? n(s.writeUnits, 1) : '?'} | ${s ? n(s.readUnits, 1) : '?'} | ${n((s?.bytes ?? work.storage.bytesPerArticle) / 1000, 1)} KB | ${usd(dynamo)} | **${usd(total)}** |`;
  });
  return `### On real text

\`npx tsx bench/work.ts --corpus <set>\`: the outlets serve the articles of each related-articles dev set
(../shared/data/related-dev) as pages, so the index holds real news, with its vocabulary and its many related pairs.
Per stored article (fetcher and worker); DynamoDB and the whole model per million articles ingested, each line of
the table above computed from that run:

| Text | Stored | DynamoDB requests | Write units | Read units | Stored per article | DynamoDB | Whole model |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

The write units above about 22-27 per article (8 to 14 postings, the entry, the own list, the article and its two
listing-index entries, the URL and source records) are the related index's later links: one item under each earlier
article that an article enters the related list of (docs/related.md, "Measured"), about half of the total on WikiRef
and ECB+, more on BASIL and BBC. BASIL's pages carry its articles' dates, 100 stories over nine years, so the weak
links between stories years apart fall under the floors by recency: a stream of many stories a day writes more of
them, as BASIL timed one minute apart does (docs/related.md, "Publication times": 57-62 write units in eval:related
against 35-46 with its dates).

`;
}
