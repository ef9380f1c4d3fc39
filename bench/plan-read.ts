/**
 * Benchmark: reading plans of 1, 2.5, 5 and 10 MB in three layouts, to show the reader stays linear.
 *
 *   npm run build && npm run bench -- plan-read [--runs 3] [--json]
 *
 * Generates each plan in memory (the Nanchang annex shape, a tab-separated table with 序号/牵头单位/
 * 配合单位 columns and sections, and labelled paragraphs), then times parse + validation against
 * config/units.json (the real directory, groups expanded) and reports the median of the runs,
 * milliseconds per MB and the ratio to the 1 MB time: linear reading keeps ms/MB flat.
 */
import * as os from 'node:os';
import { loadConfig } from '../config';
import { readLoadedPlan } from '../app/plan-import';
import { readDirectoryFile } from '../app/units-file';

const SIZES = [1, 2.5, 5, 10];
const UNITS = '市市场监管局、市工信局、各县(区)人民政府,开发区管委会';

/** A plan of about `mb` MB in `layout`, and its task count. */
function generate(layout: string, mb: number): { text: string; tasks: number } {
  const target = mb * 1024 * 1024;
  const parts: string[] = [];
  let size = 0;
  const push = (s: string) => {
    parts.push(s);
    size += Buffer.byteLength(s);
  };
  const deadline = (n: number) => (n % 3 === 0 ? '长期' : n % 3 === 1 ? '2025年底前' : '2026年第二季度');
  let n = 0;
  if (layout === 'annex-table') {
    push(
      '南昌市人民政府关于印发南昌市示范方案的通知\n南昌市示范方案\n附件\n示范重点工作任务分工\n工作任务\n责任单位\n完成时限\n',
    );
    for (let s = 1; size < target; s++) {
      push(`(${s <= 99 ? chinese(s) : '一'})示范分类${s}\n`);
      for (let k = 0; k < 1000 && size < target; k++)
        push(`(${++n})推进质量提升工作，落实相关要求，开展专项行动。\n\n${UNITS}\n\n${deadline(n)}\n\n`);
      if (s >= 99) break;
    }
  } else if (layout === 'tab-table') {
    push(
      '南昌市人民政府关于印发南昌市示范工作要点的通知\n南昌市示范工作要点\n序号\t重点任务\t牵头单位\t配合单位\t完成时限\t备注\n',
    );
    for (let s = 1; size < target; s++) {
      push(`${chinese(((s - 1) % 99) + 1)}、示范分类${s}\n`);
      for (let k = 0; k < 200 && size < target; k++)
        push(
          `${++n}\t推进质量提升工作，落实相关要求，开展专项行动。\t市市场监管局、市工信局\t各县(区)人民政府\t${deadline(n)}\t\n`,
        );
    }
  } else {
    push('南昌市人民政府关于印发南昌市示范措施的通知\n南昌市示范措施\n');
    for (let s = 1; size < target; s++) {
      push(`${chinese(((s - 1) % 99) + 1)}、示范分类${s}\n`);
      for (let k = 0; k < 200 && size < target; k++)
        push(
          `${++n}.推进质量提升工作，落实相关要求，开展专项行动。\n牵头单位：市市场监管局、市工信局\n责任单位：各县(区)人民政府\n完成时限：${deadline(n)}\n`,
        );
    }
  }
  return { text: parts.join(''), tasks: n };
}

function chinese(n: number): string {
  const d = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  return n < 10 ? d[n]! : (n >= 20 ? d[Math.floor(n / 10)]! : '') + '十' + d[n % 10]!;
}

function main(): void {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 3;
  const json = process.argv.includes('--json');
  const cfg = loadConfig();
  const dir = { dir: readDirectoryFile(cfg.unitsFile), source: 'config' as const };
  const rows: {
    layout: string;
    mb: number;
    bytes: number;
    tasks: number;
    ms: number;
    msPerMb: number;
    ratio: number;
  }[] = [];
  for (const layout of ['annex-table', 'tab-table', 'labelled']) {
    let base = 0;
    for (const mb of SIZES) {
      const { text, tasks } = generate(layout, mb);
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const out = readLoadedPlan('bench.txt', { kind: 'text', text }, cfg, dir);
        times.push(performance.now() - t0);
        if (out.issues.length || out.validated?.tasks.length !== tasks)
          throw new Error(`${layout} ${mb} MB: ${out.issues.length} issues, e.g. ${out.issues[0]?.message}`);
      }
      const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      const bytes = Buffer.byteLength(text);
      const msPerMb = ms / (bytes / 1024 / 1024);
      if (mb === 1) base = msPerMb;
      rows.push({
        layout,
        mb,
        bytes,
        tasks,
        ms: Math.round(ms),
        msPerMb: Math.round(msPerMb),
        ratio: Number((msPerMb / base).toFixed(2)),
      });
    }
  }
  if (json) {
    process.stdout.write(JSON.stringify({ cpus: os.cpus().length, node: process.version, runs, rows }, null, 2) + '\n');
    return;
  }
  console.log(
    `plan reading benchmark: parse + validate, median of ${runs} (${os.cpus().length} CPUs, Node ${process.version})`,
  );
  console.log(
    `${'layout'.padEnd(12)} ${'size'.padStart(7)} ${'bytes'.padStart(9)} ${'tasks'.padStart(7)} ${'ms'.padStart(7)} ${'ms/MB'.padStart(7)}  vs 1 MB`,
  );
  for (const r of rows)
    console.log(
      `${r.layout.padEnd(12)} ${`${r.mb} MB`.padStart(7)} ${String(r.bytes).padStart(9)} ${String(r.tasks).padStart(7)} ${String(r.ms).padStart(7)} ${String(r.msPerMb).padStart(7)}  ×${r.ratio.toFixed(2)}`,
    );
}

main();
