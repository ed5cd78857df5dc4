import type { Me, Run } from '../api/types';

type TemporalUi = NonNullable<Me['temporalUi']>;

/**
 * The Temporal UI's codec settings, word for word as the UI (2.x) labels them, and as the
 * README and the api's signed-in page give them. The dev server's cluster-level codec endpoint
 * never sends credentials, so the session cookie only goes with the browser-level setting.
 * The Temporal UI browser test clicks through the UI by these very labels.
 */
export const TEMPORAL_UI_CODEC_SETTINGS = {
  browserSetting: 'Use my browser setting and ignore Cluster-level setting.',
  endpointField: 'Codec Server browser endpoint',
  credentials: 'Include cross-origin credentials',
} as const;

const base = (temporalUi: TemporalUi) =>
  `${temporalUi.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(temporalUi.namespace)}`;

/** The Temporal UI's list of workflows filtered to this run; null when no UI is configured. */
export function temporalRunUrl(temporalUi: Me['temporalUi'], run: Run): string | null {
  if (!temporalUi) return null;
  const query = encodeURIComponent(`WorkflowId="${run.temporal.workflowId}"`);
  return `${base(temporalUi)}/workflows?query=${query}`;
}

/** The run's own page in the Temporal UI (its input, result and history), once it started. */
export function temporalRunPageUrl(temporalUi: Me['temporalUi'], run: Run): string | null {
  if (!temporalUi) return null;
  if (!run.temporal.runId) return temporalRunUrl(temporalUi, run);
  const workflowId = encodeURIComponent(run.temporal.workflowId);
  return `${base(temporalUi)}/workflows/${workflowId}/${encodeURIComponent(run.temporal.runId)}/history`;
}
