/**
 * Temporal connections from config: one place that knows the address, namespace and TLS switch.
 * The worker composition root and the CLI both build their clients here.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

type TemporalConfig = Pick<Config['temporal'], 'address' | 'namespace' | 'tls'>;

/** A client connection for starting, signalling, updating and querying workflows. */
export async function createTemporalClient(cfg: TemporalConfig): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: cfg.address, tls: cfg.tls ? {} : undefined, connectTimeout: '5s' });
  const client = new Client({ connection, namespace: cfg.namespace });
  return { client, close: () => connection.close() };
}

/** A native connection for a worker. */
export async function createWorkerConnection(cfg: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: cfg.address, tls: cfg.tls ? {} : undefined });
}
