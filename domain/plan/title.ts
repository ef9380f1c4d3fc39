/**
 * A plan's own title and its issuer, from the text before its task list. Pure.
 *
 * The title is the plan's own title line (split over two lines is joined), else the document named
 * by the 印发…的通知 line; never a document the notice only cites (为贯彻落实《…规划》). 方案, 计划,
 * 规划, 工作要点, 清单, 措施 and 意见 all name a plan. The issuer comes from the 文件头
 * (南昌市人民政府文件), the 印发 line (南昌市人民政府关于印发…的通知), or a web page's 来源 line.
 */

const KINDS = '(?:实施方案|方案|计划|规划|工作要点|要点|任务清单|清单|措施|实施意见|意见)';
const TITLE = new RegExp(`^(?![（(【\\[])[^\\s，,。：:；;《》“”"、]{4,70}?${KINDS}(?:[（(][^（()）]{2,20}[)）])?$`);
const NOTICE = new RegExp(
  `印发(《[^《》]{4,90}》|[^，,。\\s《]{2,90}?(?:《[^《》]{2,60}》[^，,。\\s《》]{0,30}?)?${KINDS}(?:[（(][^（()）]{2,20}[)）])?)的通知`,
);
/** 现将《…》印发给你们: the document sent, when there is no 印发…的通知 line. */
const SENT = /现将《([^《》]{4,90})》印发/;
const ORG =
  '(?:人民政府办公厅|人民政府办公室|人民政府|委员会办公室|委员会|领导小组办公室|领导小组|办公厅|办公室|管理委员会|管委会|局|厅)';
const HEAD = new RegExp(`^(\\S{2,40}?${ORG})文件$`);
const ISSUED = new RegExp(`^(\\S{2,40}?${ORG})(?:关于)?印发`);
const SOURCE = new RegExp(`来源\\s*[:：]\\s*(\\S{2,40}?${ORG})(?:\\s|$)`);
const MAX = 400;

export function findTitle(lines: readonly string[], end: number): string | null {
  for (let i = 0; i < end; i++) {
    const t = lines[i]!.trim();
    if (!t || t.length > 80) continue;
    if (TITLE.test(t) && !/^关于/.test(t)) return t;
    // a title split over two lines: 某市2024年优化营商环境 / 重点工作要点
    const next = nextText(lines, i + 1, end);
    if (next && t.length <= 40 && next.length <= 40 && !/[，,。：:；;、]/.test(t) && TITLE.test(t + next))
      return t + next;
  }
  for (let i = 0; i < end; i++) {
    const l = lines[i]!;
    if (l.length > MAX) continue;
    const m = NOTICE.exec(l.replace(/\s+/g, ''));
    if (m) return m[1]!.replace(/^《(.*)》$/, '$1');
  }
  for (let i = 0; i < end; i++) {
    const l = lines[i]!;
    const m = l.length <= MAX ? SENT.exec(l.replace(/\s+/g, '')) : null;
    if (m) return m[1]!;
  }
  return null;
}

function nextText(lines: readonly string[], from: number, end: number): string | null {
  for (let k = from; k < end && k < from + 2; k++) {
    const t = lines[k]!.trim();
    if (t) return t;
  }
  return null;
}

export function findIssuer(lines: readonly string[], end: number): string | null {
  const scan = (re: RegExp) => {
    for (let i = 0; i < end; i++) {
      const l = lines[i]!.trim();
      if (l.length > MAX) continue;
      const m = re.exec(l.replace(/\s+(?=\S)/g, re === SOURCE ? ' ' : ''));
      if (m) return m[1]!;
    }
    return null;
  };
  return scan(HEAD) ?? scan(ISSUED) ?? scan(SOURCE);
}

/** The place an issuer governs (南昌市人民政府 → 南昌市), for telling one city's units from another's. */
export function issuerPlace(issuer: string | null): string | null {
  if (!issuer) return null;
  const m = /^(.{2,10}?(?:自治州|市|县|区|州|盟|旗|省))/.exec(issuer.replace(/^中共/, ''));
  return m ? m[1]! : null;
}
