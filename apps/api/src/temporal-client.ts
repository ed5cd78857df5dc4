import { connectTemporal } from '@latchkey/temporal/connection';
import { Client, type DataConverter } from '@temporalio/client';

/**
 * A lazily connected, shared Temporal client on the SDK's native connection; the connection is
 * retried on the next call if it fails.
 */
export function lazyTemporalClient(
  address: string,
  namespace: string,
  dataConverter?: DataConverter,
) {
  let pending: Promise<Client> | undefined;
  const get = (): Promise<Client> => {
    pending ??= connectTemporal(address)
      .then((connection) => new Client({ connection, namespace, dataConverter }))
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
