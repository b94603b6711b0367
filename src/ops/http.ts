import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import type { HealthSource } from './health.ts';
import type { BotMetrics } from './metrics.ts';

/** Handles `/healthz` and `/metrics`; returns false for any other path so a host server can route it. */
export type OpsRequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/**
 * The operations endpoints as a request handler, so they can run on their own server
 * ({@link startOpsServer}) or be mounted on the Slack receiver's HTTP server (one port per process).
 * `/metrics` is never public: it needs `Authorization: Bearer <metricsToken>` (401 otherwise), and
 * without a token it is not served (404). The port is the Slack events port, open to the internet.
 */
export function createOpsHandler(deps: {
  health: HealthSource;
  metrics: BotMetrics;
  /** METRICS_TOKEN; undefined: `/metrics` answers 404. */
  metricsToken?: string;
  logger?: Logger;
}): OpsRequestHandler {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== HEALTH_PATH && path !== METRICS_PATH) return false;
    if (path === METRICS_PATH && deps.metricsToken === undefined) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    if (path === METRICS_PATH && !bearerMatches(req.headers.authorization, deps.metricsToken!)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' });
      res.end('unauthorized\n');
      return true;
    }
    try {
      if (path === HEALTH_PATH) {
        const report = await deps.health.check();
        const body = JSON.stringify(report);
        res.writeHead(report.ok ? 200 : 503, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } else {
        const body = await deps.metrics.render();
        res.writeHead(200, { 'content-type': deps.metrics.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      }
    } catch (error) {
      deps.logger?.error({ err: error, path }, 'ops endpoint failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    }
    return true;
  };
}

/** Constant-time comparison of the presented bearer token (hashed first, so lengths need not match). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!presented) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

export interface OpsServer {
  /** The port actually bound (useful with port 0 in tests). */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a small HTTP server for the ops endpoints; any other path is 404. */
export async function startOpsServer(options: {
  handler: OpsRequestHandler;
  port: number;
  host?: string;
  logger?: Logger;
}): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    options.handler(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      },
      (error) => {
        options.logger?.error({ err: error }, 'ops server request failed');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  // Probes and scrapes are short; do not let idle keep-alive sockets hold shutdown up.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger?.info({ port }, 'ops endpoints listening (/healthz, /metrics)');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
