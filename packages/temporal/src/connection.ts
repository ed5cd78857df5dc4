import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

let runtimeConfigured = false;

export interface TemporalRuntimeOptions {
  /**
   * Where the SDK's own Prometheus exporter listens (`127.0.0.1:9464`): poll latency, slots,
   * sticky cache, activity and workflow task counters. Off when absent.
   */
  prometheusBindAddress?: string;
}

/**
 * The SDK's native runtime logs at WARN: its info lines drown ours and say nothing an operator
 * needs. Installed once per process, before the first connection (the worker calls this first,
 * with its metrics address; otherwise whichever of the api or the worker connects first).
 */
export function configureTemporalRuntime(options: TemporalRuntimeOptions = {}): void {
  if (runtimeConfigured) return;
  runtimeConfigured = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: options.prometheusBindAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: options.prometheusBindAddress,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
                unitSuffix: true,
              },
            },
          }
        : undefined,
    });
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
