/**
 * A tap on the metrics the handlers emit. In Lambda nobody listens and this costs nothing; the local runtime
 * listens to draw its operator page (/ops) from the same figures that CloudWatch receives when deployed.
 */
export interface ObservedMetric {
  readonly name: string;
  readonly value: number;
  readonly unit: 'Count' | 'Milliseconds';
  readonly dimension?: { readonly name: string; readonly value: string };
}

type Observer = (metric: ObservedMetric) => void;

const observers = new Set<Observer>();

export function observeMetrics(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function notifyMetric(metric: ObservedMetric): void {
  for (const observer of observers) observer(metric);
}
