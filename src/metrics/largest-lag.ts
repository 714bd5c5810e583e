import type { Gauge } from 'prom-client';

/**
 * A lag gauge fed per workspace that shows the largest lag of any: one
 * workspace's empty queue must not hide another's backlog. (No workspace
 * label: /metrics is open to any workspace's key and must not list the others.)
 */
export function largestLagGauge(gauge: Pick<Gauge, 'set'>): (workspaceId: string, seconds: number) => void {
  const lagByWorkspace = new Map<string, number>();
  return (workspaceId, seconds) => {
    if (seconds > 0) lagByWorkspace.set(workspaceId, seconds);
    else lagByWorkspace.delete(workspaceId);
    gauge.set(Math.max(0, ...lagByWorkspace.values()));
  };
}
