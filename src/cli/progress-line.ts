import type { RunProgress } from '../imports/run-import-job.ts';

const BAR_WIDTH = 20;
const count = (n: number) => Math.round(n).toLocaleString('en');

/** 75 s → "1:15", 4,000 s → "1:06:40". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, rest] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(rest).padStart(2, '0')}`;
}

/**
 * One line of an import's progress: a bar, rows, rate and ETA when the rows
 * to read were counted, rows and rate when not. Rows that arrive during the
 * run are read too, so the count can be passed: the bar then stays full and
 * the ETA says so rather than going negative.
 */
export function formatProgress(job: string, progress: RunProgress, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? progress.rowsRead / elapsedSeconds : 0;
  const tail = `${count(rate)} rows/s, elapsed ${formatDuration(elapsedSeconds)} (stored ${count(progress.rowsStored)}, rejected ${count(progress.rowsRejected)})`;
  const total = progress.rowsToRead;
  if (total === null) return `${job} ${count(progress.rowsRead)} rows, ${tail}`;
  const share = total === 0 ? 1 : Math.min(1, progress.rowsRead / total);
  const filled = Math.round(share * BAR_WIDTH);
  const left = total - progress.rowsRead;
  const eta = left <= 0 ? 'ETA now' : rate > 0 ? `ETA ${formatDuration(left / rate)}` : 'ETA -';
  return `${job} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(share * 100)}% ${count(progress.rowsRead)}/${count(total)} rows, ${eta}, ${tail}`;
}
