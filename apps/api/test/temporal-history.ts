import { testServices } from '@latchkey/devstack/test-db';
import type { Client } from '@temporalio/client';

/**
 * The whole history of a workflow exactly as Temporal stores it, as text to search: the JSON
 * of every event plus every payload's bytes read as UTF-8 and as base64.
 */
export async function rawHistoryText(client: Client, workflowId: string): Promise<string> {
  const { temporalNamespace } = testServices();
  const parts: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.connection.workflowService.getWorkflowExecutionHistory({
      namespace: temporalNamespace,
      execution: { workflowId },
      nextPageToken,
    });
    for (const event of page.history?.events ?? []) {
      parts.push(JSON.stringify(event));
      collectBytes(event, parts);
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return parts.join('\n');
}

function collectBytes(value: unknown, out: string[], depth = 0): void {
  if (depth > 30 || value === null || typeof value !== 'object') return;
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
    return;
  }
  for (const child of Object.values(value)) collectBytes(child, out, depth + 1);
}
