import { coalesce } from '../../app/notices/batch';

/** A batch function that records each statement's keys and answers key → key×10 (or throws for 'boom'). */
function recorder() {
  const statements: string[][] = [];
  const run = async (keys: string[]) => {
    statements.push([...keys]);
    await new Promise((r) => setTimeout(r, 5));
    if (keys.includes('boom')) throw new Error('statement failed');
    return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, Number(k) * 10]));
  };
  return { statements, run };
}

test('calls made together share one statement, and each caller gets its own answer', async () => {
  const r = recorder();
  const load = coalesce(r.run);
  const answers = await Promise.all(['1', '2', '3'].map((k) => load(k)));
  expect(answers).toEqual([10, 20, 30]);
  expect(r.statements).toEqual([['1', '2', '3']]);
});

test('the same id twice goes into two statements, the second after the first', async () => {
  const r = recorder();
  const claim = coalesce(r.run, { maxInFlight: 1 });
  const answers = await Promise.all([claim('7'), claim('7'), claim('8')]);
  expect(answers).toEqual([70, 70, 80]);
  expect(r.statements).toEqual([['7', '8'], ['7']]);
});

test('calls arriving while a statement runs are sent together when it finishes', async () => {
  const r = recorder();
  const load = coalesce(r.run, { maxInFlight: 1 });
  const first = load('1');
  await new Promise((r) => setImmediate(r)); // the first statement is now in flight
  const later = ['2', '3', '4'].map((k) => load(k));
  await Promise.all([first, ...later]);
  expect(r.statements).toEqual([['1'], ['2', '3', '4']]);
});

test('a failed statement rejects every caller in it, and only those', async () => {
  const r = recorder();
  const load = coalesce(r.run, { maxInFlight: 1 });
  const inFirst = [load('1'), load('boom')];
  await new Promise((r) => setImmediate(r));
  const inSecond = load('2');
  await expect(inFirst[0]).rejects.toThrow('statement failed');
  await expect(inFirst[1]).rejects.toThrow('statement failed');
  await expect(inSecond).resolves.toBe(20);
});

test('a key the statement does not answer resolves to undefined', async () => {
  const r = recorder();
  const load = coalesce(r.run);
  await expect(Promise.all([load('missing'), load('5')])).resolves.toEqual([undefined, 50]);
});

test('maxBatch bounds a statement, and lingerMs gathers calls that arrive within it', async () => {
  const r = recorder();
  const load = coalesce(r.run, { maxBatch: 2, lingerMs: 20, maxInFlight: 4 });
  const a = load('1');
  await new Promise((r) => setTimeout(r, 5)); // within the linger: joins the first statement
  const rest = ['2', '3'].map((k) => load(k));
  await Promise.all([a, ...rest]);
  expect(r.statements).toEqual([['1', '2'], ['3']]);
});
