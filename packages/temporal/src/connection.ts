import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

let runtimeConfigured = false;

/**
 * The SDK's native runtime logs at WARN: its info lines drown ours and say nothing an operator
 * needs. Installed once per process, by whichever of the api or the worker connects first.
 */
export function configureTemporalRuntime(): void {
  if (runtimeConfigured) return;
  runtimeConfigured = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by the host (tests, another worker in this process).
  }
}

/**
 * A connection through the SDK's native (Rust) gRPC client, for workers and clients alike.
 * The api's client used @grpc/grpc-js before: each call cost the Node process about a
 * millisecond more of CPU per run (apps/api/bench/execute.bench.ts).
 */
export async function connectTemporal(address: string): Promise<NativeConnection> {
  configureTemporalRuntime();
  return NativeConnection.connect({ address });
}
