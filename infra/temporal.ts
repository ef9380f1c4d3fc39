/**
 * Temporal connections from config: one place that knows the address, namespace, TLS (server CA,
 * server name, client certificate for mTLS) and the API key (Temporal Cloud). The worker
 * composition root and the CLI both build their clients here.
 */
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

type TemporalConfig = Pick<Config['temporal'], 'address' | 'namespace' | 'tls'> &
  Partial<Pick<Config['temporal'], 'tlsOptions' | 'apiKey'>>;

/** The connection options both SDK connections share: TLS (or none) and the API key. */
export function temporalConnectionOptions(cfg: TemporalConfig): { address: string; tls?: TLSConfig; apiKey?: string } {
  const o = cfg.tlsOptions;
  const tls: TLSConfig | undefined = cfg.tls
    ? {
        ...(o?.serverName ? { serverNameOverride: o.serverName } : {}),
        ...(o?.ca ? { serverRootCACertificate: Buffer.from(o.ca) } : {}),
        ...(o?.clientCert && o.clientKey
          ? { clientCertPair: { crt: Buffer.from(o.clientCert), key: Buffer.from(o.clientKey) } }
          : {}),
      }
    : undefined;
  return { address: cfg.address, ...(tls ? { tls } : {}), ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}) };
}

/** A client connection for starting, signalling, updating and querying workflows. */
export async function createTemporalClient(
  cfg: TemporalConfig,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(cfg), connectTimeout: '5s' });
  const client = new Client({ connection, namespace: cfg.namespace });
  return { client, close: () => connection.close() };
}

/** A native connection for a worker. */
export async function createWorkerConnection(cfg: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(cfg));
}
