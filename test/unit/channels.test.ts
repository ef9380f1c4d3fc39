/**
 * Group-robot messages as the group reads them, and the directory's robots: the markdown within each
 * service's byte limit (never a cut character), the 「…及另外N项」 line, the merge of waiting
 * messages, DingTalk's signature, and the CSV `robots` column with its errors.
 */
import {
  cutToBytes,
  isMaskedWebhook,
  maskWebhook,
  mergeImMessages,
  renderChannelMarkdown,
} from '../../domain/channels';
import { dingtalkSign, signedDingtalkUrl } from '../../infra/channels/sign';
import { directoryFromCsv, directoryToCsv, checkDirectory, UnitsFileError } from '../../app/units-file';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('markdown for a robot', () => {
  const letter = {
    title: '【督办函】市市场监管局：任务交办20项、逾期督办21项',
    lines: ['所属方案：南昌市关于深入推进质量强市建设的实施方案'],
    link: { text: '查看本单位督办事项', url: 'https://duban.example/w/abc?t=x' },
    footer: ['正式督办函已于2026年12月3日（星期四） 15:00通过电子邮件送达本单位联系人，请以邮件为准并按要求办理。'],
  };

  it('DingTalk: a heading, the lines, the link, the email line and the @mobiles', () => {
    const m = renderChannelMarkdown('dingtalk', letter, ['13800000001']);
    expect(m.title).toBe(letter.title);
    expect(m.text.split('\n\n')).toEqual([
      '#### 【督办函】市市场监管局：任务交办20项、逾期督办21项',
      '所属方案：南昌市关于深入推进质量强市建设的实施方案',
      '[查看本单位督办事项](https://duban.example/w/abc?t=x)',
      '> 正式督办函已于2026年12月3日（星期四） 15:00通过电子邮件送达本单位联系人，请以邮件为准并按要求办理。',
      '@13800000001',
    ]);
  });

  it('WeCom: bold title and <@userid> mentions', () => {
    const m = renderChannelMarkdown('wecom', letter, ['zhangsan']);
    expect(m.text.startsWith('**【督办函】市市场监管局：任务交办20项、逾期督办21项**\n\n')).toBe(true);
    expect(m.text.endsWith('\n\n<@zhangsan>')).toBe(true);
  });

  it('WeCom: 300 slip lines fit 4096 bytes, the rest counted, title, link and email line kept', () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `【红】督〔2026〕${String(i + 1).padStart(4, '0')}号 市市场监管局 第${i + 1}项：加快质量基础设施建设`,
    );
    const m = renderChannelMarkdown('wecom', { ...letter, lines });
    expect(bytes(m.text)).toBeLessThanOrEqual(4096);
    const kept = m.text.split('\n\n').filter((l) => l.startsWith('【红】')).length;
    expect(kept).toBeGreaterThan(20);
    expect(m.text).toContain(`…及另外${300 - kept}项，详见邮件/工作台`);
    expect(m.text).toContain('[查看本单位督办事项](');
    expect(m.text).toContain('请以邮件为准');
    // DingTalk's 20000 bytes hold more of them
    expect(
      renderChannelMarkdown('dingtalk', { ...letter, lines })
        .text.split('\n\n')
        .filter((l) => l.startsWith('【红】')).length,
    ).toBeGreaterThan(kept);
  });

  it('never cuts a UTF-8 character', () => {
    const s = '督办'.repeat(100) + '😀';
    for (let max = 4; max < 40; max++) {
      const cut = cutToBytes(s, max);
      expect(bytes(cut)).toBeLessThanOrEqual(max);
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
      expect(cut.endsWith('…')).toBe(true);
    }
  });

  it('messages waiting past the rate merge into one summary, each a linked line', () => {
    const m = mergeImMessages([letter, { ...letter, title: '【督办函】市工信局：逾期督办3项', link: null }]);
    expect(m.title).toBe('【督办消息汇总】共2条（发送频率已达上限，合并发送）');
    expect(m.lines).toEqual([
      '[【督办函】市市场监管局：任务交办20项、逾期督办21项](https://duban.example/w/abc?t=x)',
      '【督办函】市工信局：逾期督办3项',
    ]);
    expect(m.footer).toEqual(letter.footer);
  });
});

describe('DingTalk 加签', () => {
  it('signs timestamp + "\\n" + secret with HMAC-SHA256, base64, URL-encoded in the URL', () => {
    // the documentation's example values
    expect(dingtalkSign(1577262236757, 'this is secret')).toBe('hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=');
    expect(
      signedDingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'this is secret', 1577262236757),
    ).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577262236757&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D',
    );
  });
});

describe('robots in the units directory', () => {
  const header =
    'name,fullName,kind,aliases,members,liaisonName,liaisonEmail,liaisonPhone,leaderName,leaderEmail,leaderPhone,recipients,digest,note,robots';
  const office =
    '办公室,,OFFICE,,,,,,,,,督办 <office@office.example>,,,dingtalk https://oapi.dingtalk.com/robot/send?access_token=t1 secret=SECabc kinds=slips at=13800000001';
  const lead = '领导小组,,LEADERSHIP,,,,,,,,,领导 <lead@gov.example>,,,';

  it('the CSV column reads both channels with their options and writes them back', () => {
    const csv = [
      header,
      office,
      lead,
      '市甲局,,BUREAU,,,联络员,a@bureau.example,,,,,,,,"wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1 mentions=zhangsan,lisi"',
    ].join('\n');
    const dir = directoryFromCsv(csv);
    expect(dir.units.find((u) => u.name === '办公室')!.robots).toEqual([
      {
        channel: 'dingtalk',
        webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t1',
        secret: 'SECabc',
        kinds: ['slips'],
        atMobiles: ['13800000001'],
      },
    ]);
    expect(dir.units.find((u) => u.name === '市甲局')!.robots).toEqual([
      {
        channel: 'wecom',
        webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1',
        mentions: ['zhangsan', 'lisi'],
      },
    ]);
    expect(directoryFromCsv(directoryToCsv(dir))).toEqual(dir);
  });

  it('a wrong robot names its line and field and what to write', () => {
    const bad = (robots: string) => {
      try {
        directoryFromCsv(
          [header, office, lead, `市甲局,,BUREAU,,,联络员,a@bureau.example,,,,,,,,${robots}`].join('\n'),
        );
      } catch (e) {
        expect(e).toBeInstanceOf(UnitsFileError);
        return (e as UnitsFileError).message;
      }
      throw new Error('accepted');
    };
    expect(bad('feishu https://x.example/hook?key=1')).toContain(
      '第4行 robots.0.channel: dingtalk（钉钉）or wecom（企业微信）',
    );
    expect(bad('wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send')).toContain(
      '第4行 robots.0.webhook: a wecom webhook carries ?key=…',
    );
    expect(bad('wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k secret=SEC1')).toContain(
      '第4行 robots.0.secret: WeCom robots are not signed: leave secret out',
    );
    expect(bad('dingtalk https://oapi.dingtalk.com/robot/send?access_token=t colour=red')).toContain(
      '第4行 robots: 「colour=red」不是可用的选项（secret=、kinds=、at=、mentions=）',
    );
    expect(bad('dingtalk https://oapi.dingtalk.com/robot/send?access_token=t kinds=everything')).toContain(
      'robots.0.kinds.0: letter（督办函摘要）or slips（每日红橙督办单汇总）',
    );
  });

  it('the JSON directory checks the same rules', () => {
    expect(() =>
      checkDirectory(
        {
          office: 'O',
          leadership: 'L',
          units: [
            { name: 'O', kind: 'OFFICE', robots: [{ channel: 'dingtalk', webhook: 'not a url' }] },
            { name: 'L', kind: 'LEADERSHIP' },
          ],
        },
        'units.json',
      ),
    ).toThrow(/units\.0\.robots\.0\.webhook: the robot's webhook URL/);
  });

  it('a masked webhook is recognised as one, and a real one is not', () => {
    const masked = maskWebhook(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
    );
    expect(masked).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…5aaa');
    expect(isMaskedWebhook(masked)).toBe(true);
    expect(isMaskedWebhook('https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef')).toBe(false);
    expect(isMaskedWebhook('https://oapi.dingtalk.com/robot/send?…cdef&access_token=1')).toBe(false);
  });

  it('a webhook is shown masked: host, path and the last 4 characters of its token', () => {
    expect(maskWebhook('https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef')).toBe(
      'https://oapi.dingtalk.com/robot/send?…cdef',
    );
  });
});
