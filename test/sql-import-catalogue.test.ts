import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { buildTestApp } from './support/test-app.ts';
import { parseImportJob, type ImportJob } from '../src/imports/job-config.ts';
import { runImportJob } from '../src/imports/run-import-job.ts';
import { sqlCustomerRef, sqlRowEvent } from '../src/ingest/sql/sql-event.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { createMariadbSource, createPostgresSource, type SourceDatabase } from './support/sql-source-servers.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// Issue 4: products, categories, bonus balances and promo codes imported from
// a retailer's SQL server (PostgreSQL; products also from MariaDB), read back
// over the real HTTP API. Every test has its own workspace and source tables.

let storeDb: TestDatabase;
let store: Store;
let pgSource: SourceDatabase;
let mariaSource: SourceDatabase;
let app: FastifyInstance;
let baseUrl: string;

before(async () => {
  [storeDb, pgSource, mariaSource] = await Promise.all([createTestDatabase(), createPostgresSource(), createMariadbSource()]);
  store = openPostgresStore(storeDb.url, 4);
  await migrate(store);
  app = await buildTestApp(store);
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app?.close();
  await store?.close();
  await Promise.all([pgSource?.drop(), mariaSource?.drop(), storeDb?.drop()]);
});

const fresh = () => `t${randomBytes(4).toString('hex')}`;

interface Workspace {
  id: string;
  get(path: string): Promise<{ status: number; body: any }>;
  job(source: SourceDatabase, entity: ImportJob['entity'], query: string, fields?: Partial<ImportJob>): ImportJob;
  run(job: ImportJob): ReturnType<typeof runImportJob>;
  events(): Promise<number>;
}

async function workspace(): Promise<Workspace> {
  const id = fresh();
  await createWorkspace(store, id);
  const { key } = await createApiKey(store, id, 'catalogue test');
  return {
    id,
    async get(path) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: response.status, body: await response.json() };
    },
    job(source, entity, query, fields = {}) {
      const parsed = parseImportJob({
        name: fresh(),
        workspace: id,
        source: { name: 'shop', dialect: source.dialect, url: source.url },
        entity,
        query,
        mode: 'id',
        cursorColumn: 'row_id',
        keyColumn: 'row_id',
        ...fields,
      });
      assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
      return parsed.value;
    },
    async run(job) {
      const source = (job.source.dialect === 'mysql' ? mariaSource : pgSource).open();
      try {
        return await runImportJob(job, { store, source });
      } finally {
        await source.close();
      }
    },
    async events() {
      return Number((await store.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE workspace_id = $1', [id])).rows[0]!.n);
    },
  };
}

/** The retailer's classifier and nomenclature, in its own column names; price is text so that a bad one can exist. */
async function catalogueTables(source: SourceDatabase): Promise<{ categories: string; products: string }> {
  const categories = fresh();
  const products = fresh();
  await source.exec(`CREATE TABLE ${categories} (cat_id int PRIMARY KEY, title varchar(100), parent int)`);
  await source.exec(`INSERT INTO ${categories} VALUES (1, 'Drinks', NULL), (2, 'Tea', 1), (3, 'Coffee', 1)`);
  const flag = source.dialect === 'mysql' ? 'tinyint(1)' : 'boolean';
  await source.exec(
    `CREATE TABLE ${products} (sku int PRIMARY KEY, title varchar(100), cat int, price varchar(20), was numeric(10,2),
       brand varchar(50), ean varchar(20), link varchar(200), img varchar(200), in_stock ${flag}, descr varchar(200))`,
  );
  await source.exec(
    `INSERT INTO ${products} VALUES
       (101, 'Green tea', 2, '199.90', 249.00, 'Tea Co', '4600000000017', 'https://shop.example/101', 'https://shop.example/101.jpg', TRUE, 'Loose leaf'),
       (102, 'Black tea', 2, '149.00', NULL, 'Tea Co', NULL, NULL, NULL, TRUE, NULL),
       (103, 'Espresso beans', 3, '899.00', 999.00, 'Roast', NULL, NULL, NULL, FALSE, NULL),
       (104, 'Oolong', 2, '12,50', NULL, NULL, NULL, NULL, NULL, TRUE, NULL),
       (105, 'Water', 1, '49.00', NULL, NULL, NULL, NULL, NULL, TRUE, NULL)`,
  );
  return { categories, products };
}

const categoriesQuery = (table: string) => `SELECT cat_id AS row_id, cat_id AS local_id, title AS name, parent AS parent_id FROM ${table} WHERE cat_id > {$last_id}`;
const productsQuery = (table: string) =>
  `SELECT sku AS row_id, sku AS local_id, title AS name, cat AS category_id, price, was AS old_price, brand AS vendor, ean AS barcode,
          link AS url, img AS picture, in_stock AS available, descr AS description FROM ${table} WHERE sku > {$last_id}`;

const summary = (r: { status: string; rowsRead: number; rowsStored: number; rowsUnchanged: number; rowsRejected: number }) =>
  [r.status, r.rowsRead, r.rowsStored, r.rowsUnchanged, r.rowsRejected];

test('products and categories from PostgreSQL are readable over the API, paged and filtered; rejected rows are reported', async () => {
  const ws = await workspace();
  const tables = await catalogueTables(pgSource);
  const categoriesRun = await ws.run(ws.job(pgSource, 'product_categories', categoriesQuery(tables.categories)));
  assert.deepEqual(summary(categoriesRun), ['succeeded', 3, 3, 0, 0]);
  const productsRun = await ws.run(ws.job(pgSource, 'products', productsQuery(tables.products)));
  assert.deepEqual(summary(productsRun), ['succeeded', 5, 4, 0, 1]);
  assert.deepEqual(productsRun.rejections, [{ key: '104', reason: 'unparseable price "12,50"' }]);

  const categories = await ws.get('/v1/catalog/categories');
  assert.equal(categories.status, 200);
  assert.deepEqual(categories.body.categories.map((c: any) => [c.source, c.id, c.name, c.parentId]), [
    ['shop', '1', 'Drinks', null],
    ['shop', '2', 'Tea', '1'],
    ['shop', '3', 'Coffee', '1'],
  ]);
  assert.equal(categories.body.nextCursor, null);

  const one = await ws.get('/v1/catalog/products/shop/101');
  assert.equal(one.status, 200);
  const { updatedAt, ...product } = one.body;
  assert.ok(typeof updatedAt === 'string');
  assert.deepEqual(product, {
    source: 'shop',
    id: '101',
    name: 'Green tea',
    categoryId: '2',
    price: 199.9,
    oldPrice: 249,
    vendor: 'Tea Co',
    barcode: '4600000000017',
    url: 'https://shop.example/101',
    picture: 'https://shop.example/101.jpg',
    available: true,
    description: 'Loose leaf',
  });
  assert.equal((await ws.get('/v1/catalog/products/shop/104')).status, 404, 'the rejected row is not in the catalogue');
  assert.equal((await ws.get('/v1/catalog/products/outlet/101')).status, 404, 'ids are local to their source');

  // Paging by cursor walks the whole list once, in order.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await ws.get(`/v1/catalog/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.status, 200);
    seen.push(...page.body.products.map((p: any) => p.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  assert.deepEqual(seen, ['101', '102', '103', '105']);

  const tea = await ws.get('/v1/catalog/products?source=shop&category=2');
  assert.deepEqual(tea.body.products.map((p: any) => [p.id, p.price, p.available]), [['101', 199.9, true], ['102', 149, true]]);
  assert.deepEqual((await ws.get('/v1/catalog/products?category=3')).body.products.map((p: any) => [p.id, p.available]), [['103', false]]);
  const badCursor = await ws.get('/v1/catalog/products?cursor=not-a-cursor');
  assert.deepEqual([badCursor.status, badCursor.body.error], [400, 'invalid_cursor']);
});

test('re-reading the same rows changes nothing; a changed row replaces the product', async () => {
  const ws = await workspace();
  const tables = await catalogueTables(pgSource);
  await ws.run(ws.job(pgSource, 'product_categories', categoriesQuery(tables.categories)));
  await ws.run(ws.job(pgSource, 'products', productsQuery(tables.products)));
  const events = await ws.events();
  const before = (await ws.get('/v1/catalog/products')).body.products;

  // New jobs over the same tables read every row again from the start.
  assert.deepEqual(summary(await ws.run(ws.job(pgSource, 'product_categories', categoriesQuery(tables.categories)))), ['succeeded', 3, 0, 3, 0]);
  assert.deepEqual(summary(await ws.run(ws.job(pgSource, 'products', productsQuery(tables.products)))), ['succeeded', 5, 0, 4, 1]);
  assert.equal(await ws.events(), events);
  assert.deepEqual((await ws.get('/v1/catalog/products')).body.products, before, 'not even updatedAt moved');

  await pgSource.exec(`UPDATE ${tables.products} SET price = '179.90', in_stock = FALSE WHERE sku = 101`);
  assert.deepEqual(summary(await ws.run(ws.job(pgSource, 'products', productsQuery(tables.products)))), ['succeeded', 5, 1, 3, 1]);
  const changed = (await ws.get('/v1/catalog/products/shop/101')).body;
  assert.deepEqual([changed.price, changed.available, changed.name], [179.9, false, 'Green tea']);
});

test('products from MariaDB: tinyint availability and decimal prices read; a NUL in a name is a rejected row', async () => {
  const ws = await workspace();
  const tables = await catalogueTables(mariaSource);
  await mariaSource.exec(`INSERT INTO ${tables.products} (sku, title, cat, price, in_stock) VALUES (106, CONCAT('Mi', CHAR(0), 'nt'), 2, '10', 1)`);
  const run = await ws.run(ws.job(mariaSource, 'products', productsQuery(tables.products)));
  assert.deepEqual(summary(run), ['succeeded', 6, 4, 0, 2]);
  assert.deepEqual(run.rejections, [
    { key: '104', reason: 'unparseable price "12,50"' },
    { key: '106', reason: 'name contains a NUL character (the store cannot keep it)' },
  ]);
  const products = (await ws.get('/v1/catalog/products')).body.products;
  assert.deepEqual(products.map((p: any) => [p.id, p.price, p.oldPrice, p.available]), [
    ['101', 199.9, 249, true],
    ['102', 149, null, true],
    ['103', 899, 999, false],
    ['105', 49, null, true],
  ]);
});

/** The retailer's balance history: one row per change, the customer's balance as of a date. */
async function balancesTable(rows: string): Promise<string> {
  const table = fresh();
  await pgSource.exec(`CREATE TABLE ${table} (row_id int PRIMARY KEY, client int NOT NULL, amount varchar(20), on_hold numeric(10,2), as_of timestamp)`);
  if (rows) await pgSource.exec(`INSERT INTO ${table} VALUES ${rows}`);
  return table;
}
const balancesQuery = (table: string) =>
  `SELECT row_id, client AS customer_id, amount AS balance, on_hold AS pending, as_of AS date FROM ${table} WHERE row_id > {$last_id}`;
const balancesOf = async (ws: Workspace, customer: string) => {
  const profile = await ws.get(`/v1/customers/${customer}`);
  assert.equal(profile.status, 200);
  return profile.body.importedBonusBalances.map((b: any) => [b.source, b.balance, b.pending, b.asOf]);
};

test('bonus balances: the newest balance by date wins, an older one read later does not; bad rows are reported', async () => {
  const ws = await workspace();
  const table = await balancesTable(
    `(1, 1001, '500', NULL, '2026-11-01 00:00:00'), (2, 1001, '700.50', 20, '2026-11-05 00:00:00'),
     (3, 1002, 'lots', NULL, '2026-11-01 00:00:00'), (4, 1003, '50', NULL, NULL)`,
  );
  const job = ws.job(pgSource, 'bonus_balances', balancesQuery(table));
  const first = await ws.run(job);
  assert.deepEqual(summary(first), ['succeeded', 4, 3, 0, 1]);
  assert.deepEqual(first.rejections, [{ key: '3', reason: 'unparseable balance "lots"' }]);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:1001'), [['shop', 700.5, 20, '2026-11-05T00:00:00.000Z']]);
  const undated = await balancesOf(ws, 'sql:shop:1003');
  assert.deepEqual(undated.map((b: unknown[]) => b.slice(0, 3)), [['shop', 50, null]]);
  assert.ok(undated[0][3], 'a balance without a date is as of when it was read');

  // An older balance committed late is stored in the log but never replaces the newer one.
  await pgSource.exec(`INSERT INTO ${table} VALUES (5, 1001, '300', NULL, '2026-11-03 00:00:00')`);
  assert.deepEqual(summary(await ws.run(job)), ['succeeded', 1, 1, 0, 0]);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:1001'), [['shop', 700.5, 20, '2026-11-05T00:00:00.000Z']]);

  await pgSource.exec(`INSERT INTO ${table} VALUES (6, 1001, '800', 0, '2026-11-10 00:00:00')`);
  await ws.run(job);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:1001'), [['shop', 800, 0, '2026-11-10T00:00:00.000Z']]);

  // The whole history read again (a new job from the start): nothing changes.
  const events = await ws.events();
  assert.deepEqual(summary(await ws.run(ws.job(pgSource, 'bonus_balances', balancesQuery(table)))), ['succeeded', 6, 0, 5, 1]);
  assert.equal(await ws.events(), events);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:1001'), [['shop', 800, 0, '2026-11-10T00:00:00.000Z']]);
});

async function promoCodesTable(rows: string): Promise<string> {
  const table = fresh();
  await pgSource.exec(
    `CREATE TABLE ${table} (row_id int PRIMARY KEY, promo_code varchar(40), client int, campaign varchar(40), state varchar(20),
       pct varchar(10), issued timestamp, used timestamp, valid_to date)`,
  );
  if (rows) await pgSource.exec(`INSERT INTO ${table} VALUES ${rows}`);
  return table;
}
const promoCodesQuery = (table: string) =>
  `SELECT row_id, promo_code AS code, client AS customer_id, campaign AS promo_id, state AS status, pct AS discount,
          issued AS issued_at, used AS used_at, valid_to AS expires_at FROM ${table} WHERE row_id > {$last_id}`;
const codesOf = async (ws: Workspace, customer: string) =>
  (await ws.get(`/v1/customers/${customer}`)).body.promoCodes.map((c: any) => [c.code, c.customerId, c.status]);

test('promo codes: issued ones show in the profile, unissued ones by code; issuing one later gives it its customer', async () => {
  const ws = await workspace();
  const table = await promoCodesTable(
    `(1, 'SPRING-1', 1001, 'spring26', 'Issued', '15', '2026-03-01 09:00:00', NULL, '2026-05-31'),
     (2, 'SPRING-2', NULL, 'spring26', 'Free', '15', NULL, NULL, '2026-05-31'),
     (3, 'SPRING-3', 1001, 'spring26', 'Used', '15', '2026-03-02 09:00:00', '2026-03-05 12:00:00', '2026-05-31'),
     (4, NULL, 1001, 'spring26', 'Issued', '15', NULL, NULL, NULL),
     (5, 'SPRING-5', 1001, 'spring26', 'Issued', '15%', NULL, NULL, NULL)`,
  );
  const job = ws.job(pgSource, 'promo_codes', promoCodesQuery(table));
  const run = await ws.run(job);
  assert.deepEqual(summary(run), ['succeeded', 5, 3, 0, 2]);
  assert.deepEqual(run.rejections, [
    { key: '4', reason: 'missing code' },
    { key: '5', reason: 'unparseable discount "15%"' },
  ]);
  assert.deepEqual(await codesOf(ws, 'sql:shop:1001'), [['SPRING-3', 'sql:shop:1001', 'Used'], ['SPRING-1', 'sql:shop:1001', 'Issued']]);

  const free = await ws.get('/v1/promo-codes/SPRING-2');
  assert.equal(free.status, 200);
  const { updatedAt, ...code } = free.body.promoCodes[0];
  assert.ok(updatedAt);
  assert.deepEqual(code, {
    source: 'shop',
    code: 'SPRING-2',
    customerId: null,
    promoId: 'spring26',
    status: 'Free',
    discount: 15,
    issuedAt: null,
    usedAt: null,
    expiresAt: '2026-05-31T00:00:00.000Z',
  });
  assert.equal(free.body.promoCodes.length, 1);
  assert.equal((await ws.get('/v1/promo-codes/NOPE')).status, 404);
  assert.equal((await ws.get('/v1/customers/sql-source:shop')).status, 404, 'unissued codes make no profile of the source');

  // The source issues the free code (a new row version read by a later job).
  await pgSource.exec(`INSERT INTO ${table} VALUES (6, 'SPRING-2', 1002, 'spring26', 'Issued', '15', '2026-03-10 10:00:00', NULL, '2026-05-31')`);
  await ws.run(job);
  assert.deepEqual((await ws.get('/v1/promo-codes/SPRING-2')).body.promoCodes.map((c: any) => [c.customerId, c.status]), [['sql:shop:1002', 'Issued']]);
  assert.deepEqual(await codesOf(ws, 'sql:shop:1002'), [['SPRING-2', 'sql:shop:1002', 'Issued']]);

  const events = await ws.events();
  assert.deepEqual(summary(await ws.run(ws.job(pgSource, 'promo_codes', promoCodesQuery(table)))), ['succeeded', 6, 0, 4, 2]);
  assert.equal(await ws.events(), events, 're-reading every row stores nothing');
});

test('a merge moves imported balances and promo codes to the target profile; later rows of the merged key land there', async () => {
  const ws = await workspace();
  const balances = await balancesTable(
    `(1, 2001, '100', NULL, '2026-11-01 00:00:00'), (2, 2002, '250', 5, '2026-11-04 00:00:00'),
     (3, 3001, '10', NULL, '2026-11-01 00:00:00'), (4, 3002, '20', NULL, '2026-10-01 00:00:00')`,
  );
  const codes = await promoCodesTable(
    `(1, 'A-1', 2001, 'p', 'Issued', NULL, '2026-03-01 00:00:00', NULL, NULL), (2, 'B-1', 2002, 'p', 'Issued', NULL, '2026-03-02 00:00:00', NULL, NULL)`,
  );
  const balanceJob = ws.job(pgSource, 'bonus_balances', balancesQuery(balances));
  const codeJob = ws.job(pgSource, 'promo_codes', promoCodesQuery(codes));
  await ws.run(balanceJob);
  await ws.run(codeJob);

  const context = { workspaceId: ws.id, sourceName: 'shop', receivedAt: new Date().toISOString() };
  const merge = (from: string, into: string) => {
    const customer = sqlCustomerRef(context, from);
    return sqlRowEvent(context, 'test-merge', { customer, recordKey: customer.key, stream: 'merge', occurredAt: null }, { into }, {
      kind: 'profilesMerged',
      into: sqlCustomerRef(context, into),
    });
  };
  // 2002 (newer balance) into 2001; 3002 (older balance) into 3001.
  await applyEvents(store, ws.id, [merge('2002', '2001'), merge('3002', '3001')]);

  const target = await ws.get('/v1/customers/sql:shop:2001');
  assert.deepEqual(target.body.mergedFrom, ['sql:shop:2002']);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:2001'), [['shop', 250, 5, '2026-11-04T00:00:00.000Z']]);
  assert.deepEqual(await codesOf(ws, 'sql:shop:2001'), [['B-1', 'sql:shop:2001', 'Issued'], ['A-1', 'sql:shop:2001', 'Issued']]);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:3001'), [['shop', 10, null, '2026-11-01T00:00:00.000Z']], 'the older balance of the merged profile gives way');
  const merged = await ws.get('/v1/customers/sql:shop:2002');
  assert.deepEqual([merged.body.id, merged.body.resolvedFrom], ['sql:shop:2001', 'sql:shop:2002']);
  assert.equal((await ws.get('/v1/promo-codes/B-1')).body.promoCodes[0].customerId, 'sql:shop:2001');
  const left = await store.query('SELECT 1 FROM imported_bonus_balances WHERE workspace_id = $1 AND customer_key IN ($2, $3)', [ws.id, 'sql:shop:2002', 'sql:shop:3002']);
  assert.equal(left.rows.length, 0);

  // Rows the source still keeps under the merged customer land on the target.
  await pgSource.exec(`INSERT INTO ${balances} VALUES (5, 2002, '260', 0, '2026-11-06 00:00:00')`);
  await pgSource.exec(`INSERT INTO ${codes} VALUES (3, 'B-2', 2002, 'p', 'Issued', NULL, '2026-03-03 00:00:00', NULL, NULL)`);
  await ws.run(balanceJob);
  await ws.run(codeJob);
  assert.deepEqual(await balancesOf(ws, 'sql:shop:2001'), [['shop', 260, 0, '2026-11-06T00:00:00.000Z']]);
  assert.deepEqual((await codesOf(ws, 'sql:shop:2001')).map((c: string[]) => c[0]), ['B-2', 'B-1', 'A-1']);
});

test("one workspace's key never reads another's catalogue, codes or balances, even from a source of the same name", async () => {
  const mine = await workspace();
  const theirs = await workspace();
  const tables = await catalogueTables(pgSource);
  await mine.run(mine.job(pgSource, 'product_categories', categoriesQuery(tables.categories)));
  await mine.run(mine.job(pgSource, 'products', productsQuery(tables.products)));
  const codes = await promoCodesTable(`(1, 'MINE-1', 1001, 'p', 'Issued', NULL, NULL, NULL, NULL), (2, 'MINE-2', NULL, 'p', 'Free', NULL, NULL, NULL, NULL)`);
  await mine.run(mine.job(pgSource, 'promo_codes', promoCodesQuery(codes)));
  const balances = await balancesTable(`(1, 1001, '42', NULL, NULL)`);
  await mine.run(mine.job(pgSource, 'bonus_balances', balancesQuery(balances)));

  const otherProducts = fresh();
  await pgSource.exec(`CREATE TABLE ${otherProducts} (sku int PRIMARY KEY, title varchar(100))`);
  await pgSource.exec(`INSERT INTO ${otherProducts} VALUES (101, 'Their tea')`);
  await theirs.run(theirs.job(pgSource, 'products', `SELECT sku AS row_id, sku AS local_id, title AS name FROM ${otherProducts} WHERE sku > {$last_id}`));

  assert.deepEqual((await theirs.get('/v1/catalog/products')).body.products.map((p: any) => [p.id, p.name]), [['101', 'Their tea']]);
  assert.equal((await mine.get('/v1/catalog/products/shop/101')).body.name, 'Green tea');
  assert.equal((await theirs.get('/v1/catalog/products/shop/103')).status, 404);
  assert.deepEqual((await theirs.get('/v1/catalog/categories')).body.categories, []);
  assert.equal((await theirs.get('/v1/promo-codes/MINE-1')).status, 404);
  assert.equal((await theirs.get('/v1/promo-codes/MINE-2')).status, 404);
  assert.equal((await theirs.get('/v1/customers/sql:shop:1001')).status, 404);
  assert.equal((await mine.get('/v1/promo-codes/MINE-2')).status, 200);
  assert.deepEqual((await balancesOf(mine, 'sql:shop:1001')).map((b: unknown[]) => b[1]), [42]);
});
