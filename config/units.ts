/**
 * Schema of the units directory file (config/units.json). Validated on load; errors name the unit
 * index and field.
 */
import { z } from 'zod';
import { isMaskedWebhook } from '../domain/channels';

const email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'an email address such as liaison@unit.example');

export const contactSchema = z.object({
  role: z.enum(['LIAISON', 'LEADER', 'RECIPIENT']),
  name: z.string().min(1),
  email,
  phone: z.string().nullish(),
  /** the address gets one daily digest instead of single notices (docs/notifications.md) */
  digest: z.boolean({ message: 'true or false (a JSON boolean, without quotes)' }).default(false),
});

/**
 * A group robot: the webhook of its channel (DingTalk `…/robot/send?access_token=…`, WeCom
 * `…/cgi-bin/webhook/send?key=…`), the DingTalk 加签 secret, what it receives, whom it mentions.
 */
export const robotSchema = z
  .object({
    channel: z.enum(['dingtalk', 'wecom'], { message: 'dingtalk（钉钉）or wecom（企业微信）' }),
    webhook: z.url({ protocol: /^https?$/, message: "the robot's webhook URL (http or https)" }),
    secret: z.string().min(1).nullish(),
    kinds: z
      .array(z.enum(['letter', 'slips'], { message: 'letter（督办函摘要）or slips（每日红橙督办单汇总）' }))
      .optional(),
    atMobiles: z.array(z.string().regex(/^\+?\d{5,15}$/, 'a mobile number, digits only')).optional(),
    mentions: z.array(z.string().regex(/^[\w.@-]{1,64}$/, 'a WeCom userid (letters, digits, . _ - @)')).optional(),
  })
  .superRefine((r, ctx) => {
    const param = r.channel === 'dingtalk' ? 'access_token' : 'key';
    // a masked webhook (an export without credentials) stands for the stored one: app/units.ts
    if (URL.canParse(r.webhook) && !isMaskedWebhook(r.webhook) && !new URL(r.webhook).searchParams.get(param))
      ctx.addIssue({ code: 'custom', path: ['webhook'], message: `a ${r.channel} webhook carries ?${param}=…` });
    if (r.channel === 'wecom' && r.secret)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'WeCom robots are not signed: leave secret out' });
    if (r.channel === 'wecom' && r.atMobiles?.length)
      ctx.addIssue({ code: 'custom', path: ['atMobiles'], message: 'WeCom robots mention userids: use mentions' });
    if (r.channel === 'dingtalk' && r.mentions?.length)
      ctx.addIssue({ code: 'custom', path: ['mentions'], message: 'DingTalk robots mention mobiles: use atMobiles' });
  });

export const unitSchema = z.object({
  name: z.string().min(1),
  fullName: z.string().nullish(),
  kind: z.enum(['BUREAU', 'COUNTY', 'DEV_ZONE', 'MANAGEMENT', 'GROUP', 'OFFICE', 'LEADERSHIP', 'OTHER']),
  aliases: z.array(z.string().min(1)).default([]),
  contacts: z.array(contactSchema).default([]),
  members: z.array(z.string().min(1)).optional(),
  note: z.string().nullish(),
  robots: z.array(robotSchema).optional(),
});

export const unitsDirectorySchema = z.object({
  $comment: z.string().optional(),
  office: z.string().min(1),
  leadership: z.string().min(1),
  units: z.array(unitSchema).min(1),
});
