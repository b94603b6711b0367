import type { BotCore } from '../bot/types.ts';
import type { Database, DatabaseHandle } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { createHealthSource, type HealthSource } from './health.ts';
import { createOpsHandler, type OpsRequestHandler, type OpsServer, startOpsServer } from './http.ts';
import { instrumentCore } from './instrument.ts';
import { type BotMetrics, createMetrics } from './metrics.ts';

export type { HealthReport, HealthSource } from './health.ts';
export type { OpsRequestHandler, OpsServer } from './http.ts';
export type { BotMetrics } from './metrics.ts';
export { currentLogger, currentRequestContext, withRequestContext } from './request-context.ts';

/** Everything operations needs in one process: metrics, health, the HTTP handler and the core wrapper. */
export interface Operations {
  metrics: BotMetrics;
  health: HealthSource;
  /** Mount on an existing HTTP server (Slack HTTP receiver) or pass to {@link Operations.listen}. */
  handler: OpsRequestHandler;
  /** Wraps the core with request ids, metrics and error logging. */
  instrument(core: BotCore): BotCore;
  /** Serves `/healthz` and `/metrics` on their own port. */
  listen(port: number, host?: string): Promise<OpsServer>;
}

/** Builds the operations side of a bot process on top of its database and logger. */
export function createOperations(deps: {
  db: Database;
  logger: Logger;
  processMetrics?: boolean;
  /** The handle's ping and pool stats, so `/healthz` tells a saturated pool from a dead database. */
  database?: Pick<DatabaseHandle, 'ping' | 'pool'>;
  /** METRICS_TOKEN: `/metrics` needs it as a bearer token; without one `/metrics` is not served. */
  metricsToken?: string;
}): Operations {
  const health = createHealthSource(deps.db, { database: deps.database });
  const metrics = createMetrics({
    processMetrics: deps.processMetrics ?? true,
    modelAgeSeconds: () => health.modelAgeSeconds(),
  });
  const handler = createOpsHandler({ health, metrics, metricsToken: deps.metricsToken, logger: deps.logger });
  return {
    metrics,
    health,
    handler,
    instrument: (core) => instrumentCore(core, { metrics, logger: deps.logger }),
    listen: (port, host) => startOpsServer({ handler, port, host, logger: deps.logger }),
  };
}
