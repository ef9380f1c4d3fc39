/** The Nanchang annex, read exactly: finding it (附件, its title, the header cells) and reading it. Pure. */
import type { ParsedIndicator, ParsedRule, ParsedSection, ParsedTask, SourceIssue } from '../model';
import { H1, H2, HEADER_TEXT, headingTitle, readAnnex, TASK, type OutlineEntry } from './annex-cells';
import { readIndicators } from './indicators';
import type { PlanParseResult } from './parse-result';
import { FOOTER } from './text-tables';
import { cellsOf, quote } from './text';
import { findIssuer, findTitle } from './title';

const ANNEX = /^附\s*件\s*[0-9０-９]*\s*[:：]?\s*([\s\S]*)$/;

const ANNEX_TITLE = /分工/;

export interface Annex {
  /** 0-based index of the 附件 line */
  anchor: number;
  /** 0-based index of the first line after the header cells */
  start: number;
}

/** Finds the annex: 附件, its title (same line after a colon, or the next line), the header cells. */
export function findAnnex(lines: readonly string[]): Annex | SourceIssue {
  // A header missing after a standalone 附件 line is a broken annex; after 附件:标题 on one line it is
  // usually the body's mention of the annex (附件:深入推进质量强市建设重点工作任务分工).
  let partial: SourceIssue | null = null;
  let reference: number | null = null;
  const nextNonBlank = (from: number) => {
    for (let k = from; k < lines.length; k++) if (lines[k]!.trim()) return k;
    return -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.charCodeAt(0) !== 0x9644 /* 附 */) continue;
    const m = ANNEX.exec(t);
    if (!m) continue;
    let title = m[1]!.trim();
    let after = i + 1;
    if (!title) {
      const k = nextNonBlank(i + 1);
      if (k < 0) {
        partial = {
          line: i + 1,
          field: '附件',
          message:
            '「附件」之后应为附件标题（如 深入推进质量强市建设重点工作任务分工），实际为文件结束；文件可能被截断',
        };
        continue;
      }
      title = lines[k]!.trim();
      after = k + 1;
    }
    if (!ANNEX_TITLE.test(title)) continue;
    const inline = !!m[1]!.trim();
    if (inline) reference = i;
    // The header cells may stand one per line or together on one line: compare them without spaces.
    let acc = '';
    let k = after;
    let first = -1;
    for (; k < lines.length && acc.length < HEADER_TEXT.length; k++) {
      const cell = lines[k]!.replace(/\s+/g, '');
      if (!cell) continue;
      if (first < 0) first = k;
      acc += cell;
      if (!HEADER_TEXT.startsWith(acc)) break;
    }
    if (acc === HEADER_TEXT) return { anchor: i, start: k };
    const got = first < 0 ? '文件结束；文件可能被截断' : `${quote(lines[first]!.trim())}`;
    if (!inline)
      partial = {
        line: first < 0 ? after : first + 1,
        field: '附件',
        message: `附件标题之后应为表头「工作任务」「责任单位」「完成时限」，实际为${got}`,
      };
  }
  if (partial) return partial;
  return {
    line: reference !== null ? reference + 1 : Math.max(1, lines.length),
    field: '附件',
    message:
      (reference !== null ? '正文提到了附件，但' : '') +
      '未找到附件「重点工作任务分工」：应有单独一行「附件」，其后为附件标题和表头「工作任务」「责任单位」「完成时限」；文件可能不完整',
  };
}

/** The body's section headings, to notice an annex that stops before the body's last section. */
function bodyOutline(lines: readonly string[], end: number): OutlineEntry[] {
  const out: OutlineEntry[] = [];
  for (let i = 0; i < end; i++) {
    const t = lines[i]!.trim();
    if (!t || t.length > 5000) continue;
    const m1 = H1.exec(t);
    if (m1) out.push({ level: 1, title: headingTitle(m1[2]!), line: i + 1 });
    else {
      const m2 = H2.exec(t);
      if (m2) out.push({ level: 2, title: headingTitle(m2[2]!), line: i + 1 });
    }
  }
  return out;
}

/** The Nanchang annex (附件 / …任务分工 / 工作任务 责任单位 完成时限), read exactly. */
export function readNanchang(lines: readonly string[], annex: Annex): PlanParseResult {
  const issues: SourceIssue[] = [];
  const bodyEnd = annex.anchor;

  const title = findTitle(lines, bodyEnd);
  if (title === null) {
    issues.push({
      line: 1,
      field: '标题',
      message: '未找到方案标题：正文之前应有单独一行标题，如「南昌市深入推进质量强市建设实施方案」',
    });
  }
  const goals = readIndicators(lines, bodyEnd);
  issues.push(...goals.issues);
  const indicators: ParsedIndicator[] = goals.indicators;

  let sections: ParsedSection[] = [];
  let tasks: ParsedTask[] = [];
  let rules: ParsedRule[] = [];
  {
    const all = cellsOf(lines, annex.start, lines.length);
    const footer = all.findIndex((c) => FOOTER.test(c.text) && !TASK.test(c.text));
    const cells = footer < 0 ? all : all.slice(0, footer);
    const read = readAnnex(cells, footer < 0 ? null : all[footer]!, issues);
    ({ sections, tasks, rules } = read);
    if (!tasks.length && !issues.some((x) => x.line > annex.anchor)) {
      issues.push({
        line: annex.start,
        field: '任务编号',
        message: '附件表头之后没有任务：应为分类标题和任务 (1)（工作任务、责任单位、完成时限三格）；文件可能被截断',
      });
    }
    // An annex that is a strict prefix of the body's outline stops early: the file was cut.
    const body = bodyOutline(lines, annex.anchor);
    const a = read.outline;
    const from = a.length ? body.findIndex((e) => e.level === 1 && e.title === a[0]!.title) : -1;
    if (from >= 0) {
      const run = body.slice(from);
      if (run.length > a.length && a.every((e, k) => run[k]!.level === e.level && run[k]!.title === e.title)) {
        const missing = run[a.length]!;
        const lastLine = cells.length ? cells[cells.length - 1]!.line : annex.start;
        issues.push({
          line: lastLine,
          field: '附件',
          message: `附件在「${a[a.length - 1]!.title}」之后结束，但正文第${missing.line}行还有「${missing.title}」，附件中应有对应的分类和任务；文件可能被截断`,
        });
      }
    }
  }
  issues.sort((x, y) => x.line - y.line);
  return {
    plan: {
      title: title ?? '',
      layout: 'annex-table',
      issuer: findIssuer(lines, bodyEnd),
      sections,
      tasks,
      rules,
      indicators,
    },
    issues,
  };
}
