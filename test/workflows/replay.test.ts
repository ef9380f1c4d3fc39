/**
 * Replays every saved history (test/fixtures/histories) with the current workflow code: no server,
 * no database, just the bundle. A workflow change that would schedule different commands on any of
 * them (activities, timers, markers, Continue-As-New, in order and with their arguments) fails here.
 * The suites that record the fixtures (task-lifecycle, restarts, catch-up) replay them too; this one
 * is the quick check to run after every change to workflows/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from './temporal-env';

const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');

// Histories are stored as protobuf objects in JSON (longs and bytes as strings); see
// test/workflows/task-lifecycle.test.ts for why the proto classes convert them.
const History = temporal.api.history.v1.History;

describe('replay', () => {
  it('replays every saved history with the current workflow code', async () => {
    const files = fs
      .readdirSync(HISTORIES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const histories = files.map((f) => ({
      workflowId: f,
      history: History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8'))),
    }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      results.push(r);
    }
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(files.map((f) => [f, null]));
  });
});
