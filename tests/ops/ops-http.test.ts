import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { models } from '../../src/db/schema.ts';
import { createOperations, type HealthReport, type Operations, type OpsServer } from '../../src/ops/index.ts';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db.ts';
import { captureLogger } from './log-capture.ts';

const TOKEN = 'test-metrics-token-0123456789';
const scrape = { headers: { authorization: `Bearer ${TOKEN}` } };

describe.each(DB_KINDS)('ops endpoints on %s', (kind) => {
  let tdb: TestDatabase;
  let ops: Operations;
  let server: OpsServer;
  let base: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    ops = createOperations({
      db: tdb.db,
      logger: captureLogger().logger,
      processMetrics: false,
      metricsToken: TOKEN,
    });
    server = await ops.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await tdb?.destroy();
  });

  it('reports healthy with no model yet, then the age of the newest stored model', async () => {
    const before = await fetch(`${base}/healthz`);
    expect(before.status).toBe(200);
    const empty = await before.json();
    expect(empty).toMatchObject({ ok: true, database: { ok: true }, modelAgeSeconds: null });

    const hourAgo = new Date(Date.now() - 3_600_000);
    await tdb.db.insert(models).values([
      { name: 'hybrid', meta: {}, data: new Uint8Array([1]), trainedAt: new Date(Date.now() - 7_200_000) },
      { name: 'hybrid', meta: {}, data: new Uint8Array([2]), trainedAt: hourAgo },
    ]);
    const after = (await (await fetch(`${base}/healthz`)).json()) as HealthReport;
    expect(after.modelAgeSeconds).toBeGreaterThanOrEqual(3599);
    expect(after.modelAgeSeconds).toBeLessThan(3700);

    const metrics = await (await fetch(`${base}/metrics`, scrape)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('movierec_model_age_seconds{'));
    expect(line).toMatch(/model="hybrid"/);
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThanOrEqual(3599);
  });

  it('serves Prometheus text with the request metrics declared', async () => {
    const res = await fetch(`${base}/metrics`, scrape);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    for (const name of [
      'movierec_requests_total',
      'movierec_request_duration_seconds',
      'movierec_errors_total',
      'movierec_rating_writes_total',
      'movierec_model_age_seconds',
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
  });

  it('serves /metrics only with the bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', TOKEN, `Basic ${TOKEN}`]) {
      const res = await fetch(`${base}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('movierec_');
    }
  });

  it('answers 404 for other paths and 405 for writes', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('metrics without METRICS_TOKEN', () => {
  it('are not served at all', async () => {
    const tdb = await createTestDatabase('pglite');
    const ops = createOperations({ db: tdb.db, logger: captureLogger().logger, processMetrics: false });
    const server = await ops.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/metrics`, scrape)).status).toBe(404);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
      await tdb.destroy();
    }
  });
});

describe('health when the database is gone', () => {
  it('answers 503 with the error, within the probe timeout', async () => {
    const tdb = await createTestDatabase('pglite');
    const ops = createOperations({ db: tdb.db, logger: captureLogger().logger, processMetrics: false });
    const server = await ops.listen(0, '127.0.0.1');
    try {
      await tdb.destroy();
      const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as HealthReport;
      expect(body.ok).toBe(false);
      expect(body.database.ok).toBe(false);
      expect(typeof body.database.error).toBe('string');
    } finally {
      await server.close();
    }
  });
});
