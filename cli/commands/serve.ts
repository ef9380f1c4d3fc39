/**
 * `dubang serve`: the dashboard, API and unit forms (worker/http-main.ts).
 * `dubang users set-password <email>`: gives an Office or leadership contact a dashboard password
 * (read from stdin, or prompted without echo on a terminal).
 * `dubang users demo-logins`: demo sign-ins for `npm run up`.
 */
import type { Command } from 'commander';
import { action, print, UserError } from '../output';
import { config, withDb } from '../context';
import { createLogger } from '../../infra/logger';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../web/passwords';
import { ensureDemoLogins, startHttpServer } from '../../worker/http-main';

async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let buf = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(buf);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the dashboard, the HTTP API and the unit forms (URL from HTTP_HOST/HTTP_PORT)')
    .option('--port <n>', 'port (default HTTP_PORT)')
    .option(
      '--demo-password <pw>',
      'give the Office and leadership demo contacts this password if none has one (npm run up)',
    )
    .option('--without-temporal', 'read-only: do not connect to Temporal')
    .action(
      action(async (opts: { port?: string; demoPassword?: string; withoutTemporal?: boolean }) => {
        const cfg = config();
        const logger = createLogger(cfg.logLevel, { service: 'http' });
        const s = await startHttpServer({
          config: cfg,
          logger,
          ...(opts.port ? { port: Number(opts.port) } : {}),
          withoutTemporal: Boolean(opts.withoutTemporal),
        });
        const logins = opts.demoPassword ? await ensureDemoLogins(s.db, opts.demoPassword) : [];
        process.stdout.write(`督办平台: ${cfg.http.publicUrl}/  (listening on ${s.url})\n`);
        for (const l of logins)
          process.stdout.write(
            `  demo sign-in (${l.role === 'office' ? '督办员' : '领导小组·只读'}): ${l.email} / ${l.passwordSet ? opts.demoPassword : '(已有密码，未改动)'}\n`,
          );
        process.stdout.write(
          `  API: ${cfg.http.publicUrl}/api/openapi.json   health: ${cfg.http.publicUrl}/healthz   metrics: ${cfg.http.publicUrl}/metrics\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => void s.close().then(resolve);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );

  const users = program.command('users').description('dashboard sign-in for the Office and leadership');
  users
    .command('demo-logins')
    .description(
      'for `npm run up`: give the first Office and leadership contacts a demo password if none has one, and print the URL and sign-ins',
    )
    .option('--password <pw>', 'the demo password', 'dubang-demo-2024')
    .action(
      action(async (opts: { password: string }, cmd: Command) => {
        const cfg = config();
        const logins = await withDb(cfg, (db) => ensureDemoLogins(db, opts.password));
        print(cmd, {
          data: {
            url: `${cfg.http.publicUrl}/`,
            logins: logins.map((l) => ({ ...l, password: l.passwordSet ? opts.password : null })),
          },
          human: (d) =>
            [
              `督办平台: ${d.url}`,
              ...d.logins.map(
                (l) =>
                  `  ${l.role === 'office' ? '督办员' : '领导小组·只读'}: ${l.email} / ${l.password ?? '(已有密码，未改动)'}`,
              ),
            ].join('\n'),
        });
      }),
    );
  users
    .command('set-password <email>')
    .description(
      `set the dashboard password of an Office or leadership contact (stdin or prompt; at least ${MIN_PASSWORD_LENGTH} characters)`,
    )
    .action(
      action(async (email: string, _opts: unknown, cmd: Command) => {
        const cfg = config();
        const result = await withDb(cfg, async (db) => {
          const contacts = await db.contact.findMany({
            where: { email: { equals: email.trim(), mode: 'insensitive' } },
            include: { unit: { select: { name: true, kind: true } } },
          });
          const eligible = contacts.filter((c) => c.unit.kind === 'OFFICE' || c.unit.kind === 'LEADERSHIP');
          if (!eligible.length) {
            throw new UserError(
              contacts.length
                ? `${email} 是责任单位联系人；只有办公室和领导小组的联系人可以登录看板`
                : `名录中没有联系人 ${email}；先用 dubang units import 录入`,
            );
          }
          const password = await readPassword(`为 ${email} 设置密码: `);
          let hash: string;
          try {
            hash = await hashPassword(password);
          } catch (e) {
            throw new UserError((e as Error).message);
          }
          await db.contact.updateMany({
            where: { id: { in: eligible.map((c) => c.id) } },
            data: { passwordHash: hash },
          });
          // Changing a password ends that person's other sessions.
          await db.webSession.deleteMany({ where: { contactId: { in: eligible.map((c) => c.id) } } });
          return {
            email,
            units: eligible.map((c) => c.unit.name),
            role: eligible.some((c) => c.unit.kind === 'OFFICE') ? 'office' : 'leadership',
          };
        });
        print(cmd, {
          data: result,
          human: (r) =>
            `已设置 ${r.email} 的看板密码（${r.role === 'office' ? '督办员' : '领导小组·只读'}：${r.units.join('、')}）`,
        });
      }),
    );
}
