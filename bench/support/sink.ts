/**
 * The SMTP sink (infra/mail/sink.ts) in a process of its own (bench/support/sink-process.ts), with
 * `request` to send it a command and wait for its answer.
 */
import { forkModule } from './children';

export interface SinkProcess {
  host: string;
  port: number;
  request<T>(cmd: string, answer: string): Promise<T>;
  /** [notice key, arrival ms] of every message received */
  arrivals(): Promise<[string, number][]>;
  /** messages accepted so far */
  count(): Promise<number>;
  close(): Promise<void>;
}

export async function startSinkProcess(): Promise<SinkProcess> {
  const child = forkModule('bench/support/sink-process');
  const next = (want: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`sink process exited (${code})`));
      const on = (m: Record<string, unknown>) => {
        if (m.cmd === want) {
          child.off('message', on);
          child.off('exit', onExit);
          resolve(m);
        }
      };
      child.on('message', on);
      child.once('exit', onExit);
    });
  const ready = (await next('ready')) as { host: string; port: number };
  const request = async <T>(cmd: string, answer: string) => {
    const p = next(answer);
    child.send({ cmd });
    return (await p) as T;
  };
  return {
    host: ready.host,
    port: ready.port,
    request,
    arrivals: async () => (await request<{ items: [string, number][] }>('summary', 'summary')).items,
    count: async () => (await request<{ n: number }>('count', 'count')).n,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ cmd: 'close' });
      }),
  };
}
