/**
 * Readiness probes the production processes use at start-up and in their health checks: is
 * something listening, and does a mail relay greet. They never throw for an unreachable service;
 * they report it. The local stack's richer probes (PostgreSQL, Redis, Temporal) are in devtools/.
 */
import * as net from 'node:net';

export interface Probe {
  ok: boolean;
  /** one line for the status table: version, policy, why it failed */
  detail: string;
}

/** host and port of a URL or host:port, with the scheme's default port. */
export function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    const u = new URL(address);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : defaultPort };
  }
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** True when something accepts TCP connections at host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Reads the SMTP greeting: a 220 line means a mail server is listening. */
export function probeSmtp(host: string, port: number, timeoutMs = 1500): Promise<Probe> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let buf = '';
    const done = (p: Probe) => {
      s.destroy();
      resolve(p);
    };
    s.setTimeout(timeoutMs, () =>
      done({ ok: false, detail: buf ? `no SMTP greeting: ${buf.slice(0, 80)}` : 'no answer (timeout)' }),
    );
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const line = buf.split('\r\n')[0];
      if (buf.includes('\r\n') && line !== undefined) {
        s.write('QUIT\r\n');
        const greeted = line.startsWith('220');
        done(greeted ? { ok: true, detail: line.slice(4).trim() } : { ok: false, detail: `not ready: ${line}` });
      }
    });
    s.once('error', (e) => done({ ok: false, detail: `unreachable: ${e.message}` }));
  });
}
