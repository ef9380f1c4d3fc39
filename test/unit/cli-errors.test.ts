/** How the CLI reports a Temporal server that stops answering mid-command (cli/output.ts). */
import { ServiceError } from '@temporalio/client';
import { temporalUnavailable } from '../../cli/output';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('Temporal unavailable mid-command', () => {
  it('turns the SDK error of a call that timed out into a plain Chinese message', () => {
    const e = new ServiceError('Failed to start Workflow', { cause: grpc(4, 'context deadline exceeded') });
    expect(temporalUnavailable(e)).toBe(
      'Temporal 服务器没有响应（context deadline exceeded）。请用 dubang dev status 检查各服务的状态，恢复后重新执行本命令。',
    );
  });

  it('recognises an unavailable server in a raw gRPC error too', () => {
    expect(temporalUnavailable(grpc(14, 'Connection dropped'))).toMatch(
      /^Temporal 服务器没有响应（Connection dropped）/,
    );
  });

  it('leaves other failures (a refused input, a bug) to the usual handling', () => {
    expect(
      temporalUnavailable(new ServiceError('Failed to start Workflow', { cause: grpc(3, 'invalid argument') })),
    ).toBeNull();
    expect(temporalUnavailable(new TypeError('x is undefined'))).toBeNull();
  });
});
