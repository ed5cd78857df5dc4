import type { Me, Run } from '../api/types';

/** The Temporal UI's list of workflows filtered to this run; null when no UI is configured. */
export function temporalRunUrl(temporalUi: Me['temporalUi'], run: Run): string | null {
  if (!temporalUi) return null;
  const base = temporalUi.url.replace(/\/+$/, '');
  const namespace = encodeURIComponent(temporalUi.namespace);
  const query = encodeURIComponent(`WorkflowId="${run.temporal.workflowId}"`);
  return `${base}/namespaces/${namespace}/workflows?query=${query}`;
}
