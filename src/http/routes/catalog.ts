import { HouseError } from '../house-error.ts';
import { API_KEY_SECURITY } from '../api-key-security.ts';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { decodePageCursor, nextCursorOf } from '../../catalog/page-cursor.ts';
import { listCategories } from '../../catalog/read-categories.ts';
import { listProducts, readProduct } from '../../catalog/read-products.ts';
import { readPromoCodesByCode } from '../../catalog/read-promo-codes.ts';
import type { Store } from '../../store/db.ts';

const security = API_KEY_SECURITY;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const SourceName = Type.String({ minLength: 1, maxLength: 63, description: "the import job's source.name (ids are local to it)" });
const LocalId = Type.String({ minLength: 1, maxLength: 300 });
const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'nextCursor of the previous page' })),
};

const Product = Type.Object({
  source: Type.String(),
  id: Type.String(),
  name: Nullable(Type.String()),
  categoryId: Nullable(Type.String()),
  price: Nullable(Type.Number()),
  oldPrice: Nullable(Type.Number()),
  vendor: Nullable(Type.String()),
  barcode: Nullable(Type.String()),
  url: Nullable(Type.String()),
  picture: Nullable(Type.String()),
  available: Nullable(Type.Boolean()),
  description: Nullable(Type.String()),
  updatedAt: Nullable(Type.String()),
});
const Category = Type.Object({
  source: Type.String(),
  id: Type.String(),
  name: Nullable(Type.String()),
  parentId: Nullable(Type.String({ description: "the parent's id in the same source; null for a root" })),
  updatedAt: Nullable(Type.String()),
});
const PromoCode = Type.Object({
  source: Type.String(),
  code: Type.String(),
  customerId: Nullable(Type.String({ description: 'the profile it was issued to (after merges); null when issued to no one' })),
  promoId: Nullable(Type.String()),
  status: Nullable(Type.String({ description: 'as the source spells it' })),
  discount: Nullable(Type.Number()),
  issuedAt: Nullable(Type.String()),
  usedAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  updatedAt: Nullable(Type.String()),
});

const badCursor = (message: string) => ({ error: 'invalid_cursor', message });

/**
 * The catalogue the SQL imports fill (products, categories) and promo codes,
 * read-only. Every query is scoped to the caller's workspace.
 */
export function registerCatalogRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const db = deps.store;

  app.get(
    '/v1/catalog/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Imported products in (source, id) order, optionally of one source and one category; page on with nextCursor',
        querystring: Type.Object({
          source: Type.Optional(SourceName),
          category: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: "a category's id (of `source` when given)" })),
          ...Paging,
        }),
        response: { 200: Type.Object({ products: Type.Array(Product), nextCursor: Nullable(Type.String()) }), 400: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const query = request.query as { source?: string; category?: string; limit: number; cursor?: string };
      const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
      if (after && !after.ok) return reply.code(400).send(badCursor(after.error));
      const products = await listProducts(db, request.workspaceId, { source: query.source, category: query.category, after: after?.value, limit: query.limit });
      return { products, nextCursor: nextCursorOf(products, query.limit, (p) => ({ source: p.source, id: p.id })) };
    },
  );

  app.get(
    '/v1/catalog/products/:source/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One imported product by its source and id',
        params: Type.Object({ source: SourceName, id: LocalId }),
        response: { 200: Product, 404: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { source, id } = request.params as { source: string; id: string };
      const product = await readProduct(db, request.workspaceId, source, id);
      if (!product) return reply.code(404).send({ error: 'product_not_found', message: `no product ${id} of source ${source} in this workspace` });
      return product;
    },
  );

  app.get(
    '/v1/catalog/categories',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Imported product categories with their parent ids (a tree per source), in (source, id) order; page on with nextCursor',
        querystring: Type.Object({ source: Type.Optional(SourceName), ...Paging }),
        response: { 200: Type.Object({ categories: Type.Array(Category), nextCursor: Nullable(Type.String()) }), 400: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const query = request.query as { source?: string; limit: number; cursor?: string };
      const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
      if (after && !after.ok) return reply.code(400).send(badCursor(after.error));
      const categories = await listCategories(db, request.workspaceId, { source: query.source, after: after?.value, limit: query.limit });
      return { categories, nextCursor: nextCursorOf(categories, query.limit, (c) => ({ source: c.source, id: c.id })) };
    },
  );

  app.get(
    '/v1/promo-codes/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'An imported promo code: its status, dates and the profile it was issued to, in every source that has it',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: Type.Object({ code: Type.String(), promoCodes: Type.Array(PromoCode) }), 404: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { code } = request.params as { code: string };
      const promoCodes = await readPromoCodesByCode(db, request.workspaceId, code);
      if (promoCodes.length === 0) return reply.code(404).send({ error: 'promo_code_not_found', message: `no promo code ${code} in this workspace` });
      return { code, promoCodes };
    },
  );
}
