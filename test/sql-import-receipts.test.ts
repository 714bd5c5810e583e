import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { buildTestApp } from './support/test-app.ts';
import type { RunReport } from '../src/imports/import-state-table.ts';
import { parseImportJob, type ImportJob } from '../src/imports/job-config.ts';
import { runImportJob } from '../src/imports/run-import-job.ts';
import { receiptRowToCanonical } from '../src/ingest/sql/receipts-to-canonical.ts';
import { readPurchases, readUnlinkedRefunds } from '../src/profiles/read-purchases.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createMariadbSource, createPostgresSource, type SourceDatabase } from './support/sql-source-servers.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// Issue 4: receipts, receipt lines and customer events imported from a
// retailer's SQL server end up as purchases with items, linked refunds and
// event history, through the one apply pipeline.

let storeDb: TestDatabase;
let store: Store;
let pgSource: SourceDatabase;
let mariaSource: SourceDatabase;
before(async () => {
  [storeDb, pgSource, mariaSource] = await Promise.all([createTestDatabase(), createPostgresSource(), createMariadbSource()]);
  store = openPostgresStore(storeDb.url, 4);
  await migrate(store);
});
after(async () => {
  await store?.close();
  await pgSource?.drop();
  await mariaSource?.drop();
  await storeDb?.drop();
});

const fresh = () => `t${randomBytes(4).toString('hex')}`;

async function newWorkspace(): Promise<string> {
  const workspace = fresh();
  await createWorkspace(store, workspace);
  return workspace;
}

function job(source: SourceDatabase, workspace: string, fields: Partial<ImportJob> & Pick<ImportJob, 'entity' | 'query' | 'mode' | 'cursorColumn'>): ImportJob {
  const parsed = parseImportJob({ name: fresh(), workspace, source: { name: 'shop', dialect: source.dialect, url: source.url }, ...fields });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  return parsed.value;
}

async function run(source: SourceDatabase, j: ImportJob): Promise<RunReport> {
  const sqlSource = source.open();
  try {
    const report = await runImportJob(j, { store, source: sqlSource });
    assert.equal(report.status, 'succeeded', report.error ?? '');
    return report;
  } finally {
    await sqlSource.close();
  }
}

const count = async (table: string, workspace: string) =>
  Number((await store.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = $1`, [workspace])).rows[0]!.n);

/** The retailer's receipts and lines tables, in the shape a till system keeps them. */
async function receiptTables(source: SourceDatabase): Promise<{ receipts: string; lines: string }> {
  const receipts = fresh();
  const lines = fresh();
  await source.exec(
    `CREATE TABLE ${receipts} (id bigint PRIMARY KEY, client_id bigint, issued_at ${source.timestampType} NOT NULL, op varchar(20),
       refunded_id bigint, total numeric(12,2), disc numeric(12,2), b_spent numeric(12,2), b_earned numeric(12,2), cheque varchar(20), shop varchar(20))`,
  );
  await source.exec(
    `INSERT INTO ${receipts} VALUES
       (1, 10, TIMESTAMP '2026-05-01 10:00:00', 'sale', NULL, 300.00, 20.00, 50.00, 15.00, 'A-1', 'S1'),
       (2, 10, TIMESTAMP '2026-05-02 11:00:00', 'refund', 1, 100.00, NULL, NULL, NULL, 'A-2', 'S1'),
       (3, 11, TIMESTAMP '2026-05-02 11:00:00', NULL, NULL, 40.00, NULL, NULL, 4.00, 'B-1', 'S2'),
       (4, NULL, TIMESTAMP '2026-05-03 12:00:00', 'sale', NULL, 10.00, NULL, NULL, NULL, 'C-1', 'S2'),
       (5, 11, TIMESTAMP '2026-05-03 12:00:00', 'exchange', NULL, 10.00, NULL, NULL, NULL, 'C-2', 'S2')`,
  );
  await source.exec(
    `CREATE TABLE ${lines} (id bigint PRIMARY KEY, receipt bigint, n integer, sku varchar(20), title varchar(100), qty varchar(20), price numeric(12,2), total numeric(12,2))`,
  );
  await source.exec(
    `INSERT INTO ${lines} VALUES
       (101, 1, 2, 'SKU-B', 'Bread', '1', 100.00, 100.00),
       (102, 1, 1, 'SKU-A', 'Apples', '2', 100.00, 200.00),
       (103, 2, 1, 'SKU-A', 'Apples', '1', 100.00, 100.00),
       (104, NULL, 1, 'SKU-X', 'Lost', '1', 1.00, 1.00),
       (105, 3, 1, 'SKU-C', 'Cheese', 'two', 20.00, 40.00)`,
  );
  return { receipts, lines };
}

const receiptsQuery = (table: string) =>
  `SELECT id AS local_id, client_id AS customer_id, issued_at AS date, op AS operation, refunded_id AS refund_of, total AS amount,
          disc AS discount, b_spent AS bonus_spent, b_earned AS bonus_earned, cheque AS cheque_number, shop AS store_id,
          CONCAT('till-', shop) AS cashier, CONCAT('card-', client_id) AS card_number
     FROM ${table} WHERE issued_at >= {$last_date}`;
const linesQuery = (table: string) =>
  `SELECT id AS local_id, receipt AS receipt_id, n AS line_no, sku AS product_id, title AS product_name, qty AS quantity, price, total AS amount
     FROM ${table} WHERE id > {$last_id}`;

test('receipt lines read before their receipts end up as the items of purchases and refunds; re-runs change nothing', async () => {
  const workspace = await newWorkspace();
  const { receipts, lines } = await receiptTables(pgSource);
  const linesJob = job(pgSource, workspace, { entity: 'receipt_lines', query: linesQuery(lines), mode: 'id', cursorColumn: 'local_id', packSize: 2 });
  const receiptsJob = job(pgSource, workspace, { entity: 'receipts', query: receiptsQuery(receipts), mode: 'date', cursorColumn: 'date', packSize: 2 });

  const linesRun = await run(pgSource, linesJob);
  assert.deepEqual([linesRun.rowsRead, linesRun.rowsStored, linesRun.rowsRejected], [5, 3, 2]);
  assert.deepEqual(linesRun.rejections, [
    { key: '104', reason: 'missing receipt_id' },
    { key: '105', reason: 'unparseable quantity "two"' },
  ]);
  assert.equal(await count('customers', workspace), 0, 'a line makes no profile');

  const receiptsRun = await run(pgSource, receiptsJob);
  assert.deepEqual([receiptsRun.rowsRead, receiptsRun.rowsStored, receiptsRun.rowsRejected], [5, 3, 2]);
  assert.deepEqual(receiptsRun.rejections, [
    { key: '4', reason: 'anonymous receipt: no customer_id' },
    { key: '5', reason: 'unknown operation "exchange" (sale or refund)' },
  ]);

  const [purchase] = await readPurchases(store, workspace, 'sql:shop:10', { limit: 10 });
  assert.ok(purchase);
  assert.deepEqual(
    [purchase.purchaseId, purchase.externalPurchaseId, purchase.amount, purchase.occurredAt, purchase.chequeNumber, purchase.merchant.id, purchase.merchant.locationId],
    ['shop:1', '1', 300, '2026-05-01T10:00:00.000Z', 'A-1', 'S1', 'S1'],
  );
  // Lines in line order, shaped as cheque items.
  assert.deepEqual(purchase.items, [
    { positionId: 1, itemId: 'SKU-A', description: 'Apples', quantity: 2, unit: null, amount: 200, price: 100, discount: null, lineId: 'shop:102' },
    { positionId: 2, itemId: 'SKU-B', description: 'Bread', quantity: 1, unit: null, amount: 100, price: 100, discount: null, lineId: 'shop:101' },
  ]);
  assert.deepEqual([purchase.withdraws, purchase.rewards].map((m) => (m as Array<{ type: string; amount: number }>).map((x) => [x.type, x.amount])), [[['bonus', 50]], [['bonus', 15]]]);
  assert.deepEqual(purchase.attributes, [{ code: 'discount', value: 20 }]);
  // The refund is linked to its sale, with its own line.
  assert.equal(purchase.refunds.length, 1);
  assert.deepEqual([purchase.refunds[0]!.refundId, purchase.refunds[0]!.refundedPurchaseId, purchase.refundedAmount], ['shop:2', 'shop:1', 100]);
  assert.deepEqual((purchase.refunds[0]!.items as Array<{ lineId: string }>).map((i) => i.lineId), ['shop:103']);
  assert.deepEqual(await readUnlinkedRefunds(store, workspace, 'sql:shop:10'), []);
  // A receipt whose lines were all rejected shows no items (not an error).
  const [other] = await readPurchases(store, workspace, 'sql:shop:11', { limit: 10 });
  assert.deepEqual([other?.purchaseId, other?.items], ['shop:3', []]);

  // Over the read API, as a client sees it.
  const app = await buildTestApp(store);
  try {
    const { key } = await createApiKey(store, workspace, 'receipts test');
    const response = await app.inject({ method: 'GET', url: '/v1/customers/sql:shop:10/purchases', headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.statusCode, 200);
    const body = response.json() as { purchases: Array<{ purchaseId: string; items: Array<{ itemId: string }>; refunds: unknown[]; identity: string; cashierIdentifier: string }> };
    assert.deepEqual(
      body.purchases.map((p) => [p.purchaseId, p.items.map((i) => i.itemId), p.refunds.length, p.identity, p.cashierIdentifier]),
      [['shop:1', ['SKU-A', 'SKU-B'], 1, 'card-10', 'till-S1']],
    );
  } finally {
    await app.close();
  }

  // The same rows read again by new jobs (no cursor) change nothing.
  const before = await Promise.all(['events', 'purchases', 'refunds', 'purchase_lines', 'customers'].map((t) => count(t, workspace)));
  const linesAgain = await run(pgSource, { ...linesJob, name: fresh() });
  const receiptsAgain = await run(pgSource, { ...receiptsJob, name: fresh() });
  assert.deepEqual([linesAgain.rowsStored, linesAgain.rowsUnchanged, receiptsAgain.rowsStored, receiptsAgain.rowsUnchanged], [0, 3, 0, 3]);
  assert.deepEqual(await Promise.all(['events', 'purchases', 'refunds', 'purchase_lines', 'customers'].map((t) => count(t, workspace))), before);
  assert.deepEqual(before, [6, 2, 1, 3, 2]);

  // A corrected line (and a fixed one) read again replaces what was stored.
  await pgSource.exec(`UPDATE ${lines} SET qty = '3', total = 300.00 WHERE id = 102`);
  await pgSource.exec(`UPDATE ${lines} SET qty = '2' WHERE id = 105`);
  const corrected = await run(pgSource, { ...linesJob, name: fresh() });
  assert.deepEqual([corrected.rowsStored, corrected.rowsUnchanged, corrected.rowsRejected], [2, 2, 1]);
  const [after] = await readPurchases(store, workspace, 'sql:shop:10', { limit: 10 });
  assert.deepEqual((after!.items as Array<{ quantity: number; amount: number }>).map((i) => [i.quantity, i.amount]), [[3, 300], [1, 100]]);
  const [fixed] = await readPurchases(store, workspace, 'sql:shop:11', { limit: 10 });
  assert.deepEqual((fixed!.items as Array<{ itemId: string; quantity: number }>).map((i) => [i.itemId, i.quantity]), [['SKU-C', 2]]);
});

test("a receipt's own items are shown rather than lines imported for it", async () => {
  const workspace = await newWorkspace();
  const { lines } = await receiptTables(pgSource);
  await run(pgSource, job(pgSource, workspace, { entity: 'receipt_lines', query: linesQuery(lines), mode: 'id', cursorColumn: 'local_id' }));
  const context = { workspaceId: workspace, sourceName: 'shop', receivedAt: new Date().toISOString() };
  const mapped = receiptRowToCanonical({ local_id: 1, customer_id: 10, date: '2026-05-01 10:00:00' }, context);
  assert.ok(mapped.ok && mapped.value.change.kind === 'purchaseConfirmed');
  const ownItem = { positionId: 1, itemId: 'OWN', description: 'Own item', quantity: 1, unit: 'pcs', amount: 5 };
  mapped.value.change.receipt.items = [ownItem];
  await applyEvents(store, workspace, [mapped.value]);
  const [purchase] = await readPurchases(store, workspace, 'sql:shop:10', { limit: 10 });
  assert.deepEqual(purchase?.items, [ownItem]);
});

test('customer events from MariaDB show in the history, make the profile, and re-runs add nothing', async () => {
  const workspace = await newWorkspace();
  const table = fresh();
  await mariaSource.exec(`CREATE TABLE ${table} (id bigint PRIMARY KEY, client_id bigint, kind varchar(40), at ${mariaSource.timestampType}, rating int, note text, user_id varchar(20))`);
  // A MySQL "zero date" (stored where no strict NO_ZERO_DATE mode forbids it) is no date: that event has no time.
  // The tenant column (user_id) is the job's filter, not an attribute.
  await mariaSource.exec(
    `INSERT INTO ${table} VALUES
       (1, 12, 'visit', '2026-06-01 09:00:00', NULL, NULL, 'acme'),
       (2, 12, 'review', '2026-06-02 10:30:00.250000', 5, 'Friendly staff', 'acme'),
       (3, NULL, 'visit', '2026-06-03 09:00:00', NULL, NULL, 'acme'),
       (4, 12, NULL, '2026-06-03 09:00:00', NULL, NULL, 'acme'),
       (5, 12, 'visit', '0000-00-00 00:00:00', NULL, NULL, 'acme'),
       (6, 12, 'visit', '2026-06-04 09:00:00', NULL, NULL, 'other')`,
  );
  const query = `SELECT id AS local_id, client_id AS customer_id, kind AS event_type, at AS date, rating, note, user_id FROM ${table} WHERE id > {$last_id}`;
  const eventsJob = job(mariaSource, workspace, { entity: 'events', query, mode: 'id', cursorColumn: 'local_id', tenant: { column: 'user_id', value: 'acme' } });

  const report = await run(mariaSource, eventsJob);
  assert.deepEqual([report.rowsRead, report.rowsStored, report.rowsRejected], [5, 3, 2]);
  assert.deepEqual(report.rejections, [
    { key: '3', reason: 'missing customer_id' },
    { key: '4', reason: 'missing event_type' },
  ]);

  const app = await buildTestApp(store);
  try {
    const { key } = await createApiKey(store, workspace, 'events test');
    const headers = { authorization: `Bearer ${key}` };
    const profile = await app.inject({ method: 'GET', url: '/v1/customers/sql:shop:12', headers });
    assert.equal(profile.statusCode, 200, 'the events made the profile');
    const history = await app.inject({ method: 'GET', url: '/v1/customers/sql:shop:12/events', headers });
    assert.equal(history.statusCode, 200);
    const events = (history.json() as { events: Array<{ eventCode: string; occurredAt: string; payload: Record<string, unknown> }> }).events;
    assert.deepEqual(
      events.map((e) => [e.eventCode, e.occurredAt, e.payload.eventType, e.payload.attributes]),
      [
        ['sql.events', null, 'visit', {}],
        ['sql.events', '2026-06-02T10:30:00.250Z', 'review', { rating: '5', note: 'Friendly staff' }],
        ['sql.events', '2026-06-01T09:00:00.000Z', 'visit', {}],
      ],
    );
  } finally {
    await app.close();
  }

  const again = await run(mariaSource, { ...eventsJob, name: fresh() });
  assert.deepEqual([again.rowsStored, again.rowsUnchanged], [0, 3]);
  assert.equal(await count('events', workspace), 3);
  assert.equal(await count('purchases', workspace), 0, 'an event is no purchase');
});
