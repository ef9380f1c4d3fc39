/**
 * The SMTP sink in a process of its own, for the notices benchmark: a real relay never shares the
 * sender's event loop, and on a small machine sharing it would charge the sink's CPU to whichever
 * side is measured. Speaks a tiny IPC protocol: {cmd: 'count' | 'summary' | 'clear' | 'close'}.
 */
import { startMailSink } from '../../devtools/mail/sink';

async function run() {
  const sink = await startMailSink({ port: 0 });
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'summary') {
      // [notice key, arrival ms] per message, from the X-Dubang-Notice header
      const items = sink
        .received()
        .map((x) => [
          /^X-Dubang-Notice:\s*(\S+)/im.exec(x.raw.subarray(0, 8192).toString('latin1'))?.[1] ?? '?',
          x.receivedAt.getTime(),
        ]);
      process.send!({ cmd: 'summary', items });
    } else if (m.cmd === 'count') {
      process.send!({ cmd: 'count', n: sink.stats().accepted });
    } else if (m.cmd === 'clear') {
      sink.clear();
      process.send!({ cmd: 'cleared' });
    } else if (m.cmd === 'close') {
      void sink.close().then(() => process.exit(0));
    }
  });
  process.send!({ cmd: 'ready', host: sink.host, port: sink.port });
}

run().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
