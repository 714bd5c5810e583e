import type { CanonicalEvent, RecordChange } from '../events/canonical.ts';
import type { Queryable } from '../store/db.ts';
import { upsertPurchaseLines, type PurchaseLineRow } from './purchase-lines-table.ts';
import { projectCatalogue, type CatalogueRecord } from './project-catalogue.ts';

export interface AppliedRecord {
  event: CanonicalEvent & { change: RecordChange };
  seq: number;
}

/**
 * Projects the batch's record events (changes that belong to no profile,
 * see RecordChange) onto their tables: one statement per table per batch,
 * later events winning by sequence number as in the profile tables.
 */
export async function projectRecords(tx: Queryable, workspaceId: string, records: readonly { event: CanonicalEvent; seq: number }[]): Promise<void> {
  if (records.length === 0) return;
  const purchaseLines: PurchaseLineRow[] = [];
  const catalogue: CatalogueRecord[] = [];
  for (const { event, seq } of records) {
    const change = event.change as RecordChange;
    switch (change.kind) {
      case 'receiptLineImported':
        purchaseLines.push({ source: event.source, purchaseId: change.purchaseId, line: change.line, eventSeq: seq });
        break;
      case 'catalogProductChanged':
      case 'catalogCategoryChanged':
      case 'promoCodeChanged':
        catalogue.push({ change, seq, receivedAt: event.receivedAt });
        break;
      default: {
        // A RecordChange member without a projection would be dropped silently; the compiler says so first.
        const unprojected: never = change;
        throw new Error(`no projection for record change ${(unprojected as RecordChange).kind}`);
      }
    }
  }
  await upsertPurchaseLines(tx, workspaceId, purchaseLines);
  await projectCatalogue(tx, workspaceId, catalogue);
}
