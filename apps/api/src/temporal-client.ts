import { connectTemporal } from '@latchkey/temporal/connection';
import { Client, type DataConverter } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

/**
 * A lazily connected, shared Temporal client on the SDK's native connection; the connection is
 * retried on the next call if it fails.
 */
export function lazyTemporalClient(
  address: string,
  namespace: string,
  dataConverter?: DataConverter,
  options: { tracing?: boolean } = {},
) {
  // With tracing on, starting a workflow is a span of the request, and its context travels in
  // the workflow's headers to the worker (its workflow and activity spans join the trace).
  const interceptors = options.tracing
    ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] }
    : undefined;
  let pending: Promise<Client> | undefined;
  const get = (): Promise<Client> => {
    pending ??= connectTemporal(address)
      .then((connection) => new Client({ connection, namespace, dataConverter, interceptors }))
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
  const close = async () => {
    const client = await pending?.catch(() => undefined);
    await client?.connection.close();
  };
  return { get, close };
}
