import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) around the targets: p99 50 ms at small scale, 150 ms at 25M. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];

/** Label values are bounded: anything else (a typo'd slash command, say) is counted as `other`. */
const LABEL_VALUE_MAX = 40;

export interface BotMetrics {
  readonly registry: Registry;
  /** Events handled, by command (or `action`/`reaction`), platform and outcome. */
  readonly requests: Counter<'command' | 'platform' | 'outcome'>;
  readonly latency: Histogram<'command' | 'platform'>;
  /** Unexpected failures (not user errors), by kind (`database`, `internal`). */
  readonly errors: Counter<'command' | 'platform' | 'kind'>;
  readonly ratingWrites: Counter<'platform' | 'source'>;
  readonly modelAge: Gauge<'model'>;
  /** Prometheus text exposition of every metric in the registry. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface CreateMetricsOptions {
  /** Node process metrics (heap, event-loop lag, RSS …); off in tests to keep output small. */
  processMetrics?: boolean;
  /** Called at scrape time: the age in seconds of the model in use, or null when none is loaded. */
  modelAgeSeconds?: () => Promise<number | null> | number | null;
  /** Name reported with the model age. */
  modelName?: string;
}

/**
 * A private Prometheus registry with movierec's metrics. Private (not prom-client's global registry)
 * so several cores in one process (tests, benchmarks) do not collide.
 */
export function createMetrics(options: CreateMetricsOptions = {}): BotMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'movierec_' });
  const requests = new Counter({
    name: 'movierec_requests_total',
    help: 'Bot events handled, by command, platform and outcome (ok, user_error, error, unavailable).',
    labelNames: ['command', 'platform', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'movierec_request_duration_seconds',
    help: 'Time to handle one bot event, database reads included.',
    labelNames: ['command', 'platform'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'movierec_errors_total',
    help: 'Unexpected failures while handling an event (user errors excluded).',
    labelNames: ['command', 'platform', 'kind'] as const,
    registers: [registry],
  });
  const ratingWrites = new Counter({
    name: 'movierec_rating_writes_total',
    help: 'Ratings stored, by platform and source (command, reaction, button, import …).',
    labelNames: ['platform', 'source'] as const,
    registers: [registry],
  });
  const modelAgeSource = options.modelAgeSeconds;
  const modelName = options.modelName ?? 'hybrid';
  const modelAge = new Gauge({
    name: 'movierec_model_age_seconds',
    help: 'Seconds since the recommendation model in use was trained (absent when none is loaded).',
    labelNames: ['model'] as const,
    registers: [registry],
    async collect() {
      if (!modelAgeSource) return;
      const age = await modelAgeSource();
      this.reset();
      if (age !== null) this.set({ model: modelName }, age);
    },
  });
  return {
    registry,
    requests,
    latency,
    errors,
    ratingWrites,
    modelAge,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Keeps label cardinality bounded: only short, slug-like values pass unchanged. */
export function labelValue(value: string | undefined): string {
  if (!value) return 'none';
  return value.length <= LABEL_VALUE_MAX && /^[a-z0-9_-]+$/i.test(value) ? value : 'other';
}
