/**
 * The OpenAPI 3.1 description of the JSON API, written by hand (the routes are few and their
 * shapes are the read models'). Served at /api/openapi.json; the route test checks that every
 * registered /api route is described here.
 */
type Op = {
  summary: string;
  tags: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

const ok = (description: string) => ({
  '200': { description, content: { 'application/json': { schema: { type: 'object' } } } },
});
const errors = {
  '400': { description: '参数格式不对' },
  '401': { description: '未登录 / 链接无效或过期' },
  '403': { description: '无权限 / CSRF / 链接已撤销或不属于该任务' },
  '404': { description: '不存在' },
};
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const p = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const session = [{ session: [] }];
const office = [{ session: [], csrf: [] }];
const paging = [q('limit', '每页条数 (≤500)', { type: 'integer' }), q('offset', '跳过条数', { type: 'integer' })];
const body = (props: Record<string, unknown>, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties: props, required } } },
});

function read(summary: string, tag: string, parameters: unknown[] = []): { get: Op } {
  return { get: { summary, tags: [tag], security: session, parameters, responses: { ...ok(summary), ...errors } } };
}

export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const unitToken = [{ link: [] }];
  return {
    openapi: '3.1.0',
    info: {
      title: '督办 (dubang) API',
      version: '1.0.0',
      description:
        '质量强市重点任务督办：办公室与领导小组的读写接口，责任单位经签名链接办理。领导小组账号只读；办公室账号的写操作须带 X-CSRF-Token。',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'dubang_sid' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        link: { type: 'http', scheme: 'bearer', description: '通知邮件中签名链接的 t 参数' },
      },
    },
    paths: {
      '/api/session': {
        post: {
          summary: '登录（办公室 / 领导小组）',
          tags: ['session'],
          requestBody: body({ email: { type: 'string' }, password: { type: 'string' } }, ['email', 'password']),
          responses: {
            ...ok('会话与 CSRF 令牌'),
            '401': { description: '邮箱或密码不正确' },
            '429': { description: '失败次数过多' },
          },
        },
        get: { summary: '当前会话', tags: ['session'], security: session, responses: { ...ok('会话'), ...errors } },
        delete: {
          summary: '退出',
          tags: ['session'],
          security: office,
          responses: { '204': { description: '已退出' }, ...errors },
        },
      },
      '/api/overview': read(
        '总览：红黄绿灯（lights 为牵头/配合分工，implicitLights 为属地落实分工，分开统计）、状态、待审、督办单、通知',
        'dashboard',
        [q('plan', '方案'), q('light', 'red|yellow|green|grey'), q('unitKind', '单位类别')],
      ),
      '/api/plans': read('方案列表', 'plans'),
      '/api/plans/{slug}': read('方案详情（章节、规则、指标）', 'plans', [p('slug', '方案标识')]),
      '/api/tasks': read('任务列表（含灯号计数）', 'tasks', [
        q('plan', '方案'),
        q('light', '任务灯号'),
        q('q', '任务号或文字'),
        ...paging,
      ]),
      '/api/tasks/{id}': read('任务详情：分工、灯号、时间线', 'tasks', [p('id', '任务 id')]),
      '/api/tasks/{id}/timeline': read('任务时间线（审计日志，按 id 倒序分页）', 'tasks', [
        p('id', '任务 id'),
        q('before', '上一页最后一条 id'),
        q('limit', '条数', { type: 'integer' }),
      ]),
      '/api/assignments': read('任务分工列表', 'assignments', [
        q('unit', '单位 id'),
        q('task', '任务 id'),
        q('state', '状态'),
        q('light', '灯号'),
        q('plan', '方案'),
        ...paging,
      ]),
      '/api/assignments/{id}': read('任务分工详情：报告、延期、督办单、通知、时间线', 'assignments', [
        p('id', '分工 id'),
      ]),
      '/api/assignments/{id}/actions/{action}': {
        post: {
          summary:
            '办公室办理：approveCompletion | rejectCompletion | approveExtension | rejectExtension | reassign | cancel',
          tags: ['assignments'],
          security: office,
          parameters: [p('id', '分工 id'), p('action', '操作')],
          requestBody: body({ reason: { type: 'string' }, toUnit: { type: 'string' } }),
          responses: {
            ...ok('已办理'),
            ...errors,
            '409': { description: '当前状态不允许（附中文理由）' },
            '422': { description: '输入不合格（附中文理由）' },
          },
        },
      },
      '/api/assignments/{id}/links': {
        post: {
          summary: '生成新的签名链接',
          tags: ['links'],
          security: office,
          parameters: [p('id', '分工 id')],
          requestBody: body({ ttlDays: { type: 'integer' } }),
          responses: { ...ok('链接'), ...errors },
        },
      },
      '/api/assignments/{id}/links/revoke': {
        post: {
          summary:
            '撤销链接（指定 jti，或全部：全部撤销时 then=email 重新发送任务交办通知（默认），then=link 返回新链接）',
          tags: ['links'],
          security: office,
          parameters: [p('id', '分工 id')],
          requestBody: body({
            jti: { type: 'string' },
            reason: { type: 'string' },
            then: { type: 'string', enum: ['email', 'link'] },
          }),
          responses: { ...ok('已撤销'), ...errors },
        },
      },
      '/api/units/{id}/links/revoke': {
        post: {
          summary: '撤销单位全部分工的链接，并为每项未结束的分工重新发送任务交办通知',
          tags: ['links'],
          security: office,
          parameters: [p('id', '单位 id')],
          requestBody: body({ reason: { type: 'string' } }),
          responses: { ...ok('已撤销'), ...errors },
        },
      },
      '/api/reports': read('进展报告', 'reports', [
        q('assignment', '分工 id'),
        q('unit', '单位 id'),
        q('period', '报告期'),
        ...paging,
      ]),
      '/api/extensions': read('延期申请', 'extensions', [q('status', 'REQUESTED|APPROVED|REJECTED'), ...paging]),
      '/api/slips': read('督办单', 'slips', [
        q('colour', 'BLUE|ORANGE|RED'),
        q('open', 'true 只看未关闭，false 只看已关闭'),
        ...paging,
      ]),
      '/api/notices': read('通知与投递记录', 'notices', [
        q('status', '状态'),
        q('kind', '类别'),
        q('assignment', '分工 id'),
        ...paging,
      ]),
      '/api/indicators': read(
        '指标进度（对照方案目标；当前值按 config/indicators.json 的口径 aggregate 计算，并注明来源单位）',
        'indicators',
        [q('plan', '方案')],
      ),
      '/api/audit': read('审计日志（按 id 倒序分页）', 'audit', [
        q('before', '上一页最后一条 id'),
        q('action', '动作'),
        q('assignment', '分工 id'),
        q('task', '任务 id'),
        q('unit', '单位 id'),
        q('limit', '条数', { type: 'integer' }),
      ]),
      '/api/units': read('单位名录', 'units'),
      '/api/units/{id}': read('单位详情：联系人、分工、灯号', 'units', [
        p('id', '单位 id'),
        q('light', '灯号'),
        ...paging,
      ]),
      '/api/units/{id}/contacts': {
        put: {
          summary: '修改单位联系人（整体替换）',
          tags: ['units'],
          security: office,
          parameters: [p('id', '单位 id')],
          requestBody: body(
            {
              contacts: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    role: { enum: ['LIAISON', 'LEADER', 'RECIPIENT'] },
                    name: { type: 'string' },
                    email: { type: 'string' },
                    phone: { type: 'string' },
                    digest: {
                      type: 'boolean',
                      description: '每日摘要：该邮箱每天收到一封汇总邮件，代替逐条通知；不填则保留原设置',
                    },
                  },
                },
              },
            },
            ['contacts'],
          ),
          responses: { ...ok('新的联系人'), ...errors, '422': { description: '输入不合格' } },
        },
      },
      '/api/unit/{id}': {
        get: {
          summary: '责任单位：查看本分工（签名链接）',
          tags: ['unit'],
          security: unitToken,
          parameters: [p('id', '分工 id')],
          responses: { ...ok('分工'), ...errors },
        },
      },
      '/api/unit/{id}/{action}': {
        post: {
          summary: '责任单位办理：acknowledge | report | completion | extension',
          tags: ['unit'],
          security: unitToken,
          parameters: [p('id', '分工 id'), p('action', '操作')],
          requestBody: body({
            period: { type: 'string' },
            text: { type: 'string' },
            percent: { type: 'integer' },
            evidenceLinks: { type: 'array', items: { type: 'string' } },
            indicatorValues: { type: 'object' },
            note: { type: 'string' },
            newDueAt: { type: 'string' },
            reason: { type: 'string' },
          }),
          responses: {
            ...ok('已办理'),
            ...errors,
            '409': { description: '当前状态不允许（附中文理由）' },
            '413': { description: '内容过大' },
            '422': { description: '输入不合格（附中文理由）' },
          },
        },
      },
      '/api/openapi.json': { get: { summary: '本文档', tags: ['meta'], responses: ok('OpenAPI') } },
    },
  };
}
