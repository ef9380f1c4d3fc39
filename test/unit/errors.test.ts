import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { ApplicationFailure } from '@temporalio/common';
import {
  DubangError,
  ErrorCodes,
  ErrorNames,
  ErrorType,
  isDubangError,
  isErrorCode,
  NON_RETRYABLE_ERROR_TYPES,
  type DubangErrorClass,
  type ErrorName,
} from '../../contracts/errors';
import { PolicyError } from '../../domain/policy/periods';

const ROOT = path.resolve(__dirname, '../..');
const SKIP = new Set(['node_modules', 'generated', 'dist', 'var', 'test', 'coverage', '.git']);

/** Every .ts source file of the service (not tests, not generated code). */
function sources(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name.startsWith('.') || SKIP.has(d.name)) return [];
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The error classes the sources declare, found by reading them (so a moved file is still found). */
function declaredErrors(): { name: string; file: string; plain: boolean }[] {
  const declaration = /^(?:export )?(?:abstract )?class (\w+) extends (DubangError|Error)\b/gm;
  return sources().flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(declaration)].map((m) => ({
      name: m[1]!,
      file: path.relative(ROOT, file),
      plain: m[2] === 'Error',
    })),
  );
}

/** Constructor arguments of the classes that take more than a message. */
const ARGS: Partial<Record<ErrorName, unknown[]>> = {
  PlanInputError: ['plan.txt', []],
  UnitInputError: ['percent', 'msg'],
  MailSendError: ['msg', false, true],
};

type ErrorClass = DubangErrorClass & (new (...args: unknown[]) => DubangError);
const declared = declaredErrors();
const classes = declared
  .filter((d) => !d.plain)
  .map((d) => ({ ...d, cls: jest.requireActual<Record<string, ErrorClass>>(path.join(ROOT, d.file))[d.name]! }));

describe('one error base', () => {
  it('every error class extends DubangError (only the base extends Error)', () => {
    const plain = declared.filter((d) => d.plain).map((d) => `${d.file}: ${d.name}`);
    expect(plain).toEqual(['domain/errors.ts: DubangError']);
    expect(classes.length).toBeGreaterThanOrEqual(31);
  });

  it('no source matches an error by a name literal (use isDubangError or the SDK class)', () => {
    const literal = /\.(?:name|type)\s*[!=]==?\s*'[A-Z][a-z]\w*'/;
    const hits = sources().flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (literal.test(line) ? [`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('every class is exported and registered, and every registered code has its class', () => {
    for (const c of classes) expect([c.name, typeof c.cls]).toEqual([c.name, 'function']);
    expect(classes.map((c) => c.name).sort()).toEqual(Object.keys(ErrorCodes).sort());
  });

  it('codes are unique, stable-looking constants', () => {
    const codes = Object.values(ErrorCodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[A-Z][A-Z_]*$/);
    for (const [name, code] of Object.entries(ErrorCodes)) {
      expect([name, isErrorCode(code)]).toEqual([name, true]);
    }
    expect(isErrorCode('ERROR')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });

  it.each(classes.map((c) => [c.name, c] as const))('%s: name is the class name, code its entry', (name, c) => {
    const e = new c.cls(...(ARGS[name as ErrorName] ?? ['msg']));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(e.name).toBe(c.cls.name);
    expect(e.code).toBe(ErrorCodes[name as ErrorName]);
    expect(c.cls.code).toBe(e.code);
    expect(ErrorNames[name as ErrorName]).toBe(name);
    expect(isDubangError(e, e.code as (typeof ErrorCodes)[ErrorName])).toBe(true);
    expect(isDubangError(e, c.cls)).toBe(true);
    expect(String(e)).toMatch(new RegExp(`^${name}: `));
  });
});

describe('isDubangError', () => {
  const err = new PolicyError('bad span');

  it('matches the error by code and by class', () => {
    expect(isDubangError(err, ErrorCodes.PolicyError)).toBe(true);
    expect(isDubangError(err, PolicyError)).toBe(true);
    expect(isDubangError(err, ErrorCodes.CalendarError)).toBe(false);
  });

  it('matches across a serialized boundary and another realm, where instanceof fails', () => {
    const serialized: unknown = JSON.parse(JSON.stringify(err));
    expect(serialized).toEqual({ name: 'PolicyError', code: 'POLICY' });
    expect(serialized instanceof PolicyError).toBe(false);
    expect(isDubangError(serialized, ErrorCodes.PolicyError)).toBe(true);
    expect(isDubangError(serialized, PolicyError)).toBe(true);
    const foreign: unknown = vm.runInNewContext(
      `Object.assign(new Error('bad span'), { name: 'PolicyError', code: 'POLICY' })`,
    );
    expect(foreign instanceof Error).toBe(false);
    expect(isDubangError(foreign, ErrorCodes.PolicyError)).toBe(true);
    expect(isDubangError({ name: 'PolicyError', message: 'only the name' }, ErrorCodes.PolicyError)).toBe(true);
    expect(isDubangError({ code: 'POLICY', message: 'only the code' }, PolicyError)).toBe(true);
  });

  it('matches a Temporal ApplicationFailure by its type', () => {
    const failure = ApplicationFailure.nonRetryable('year not begun', ErrorType.AssessmentInput);
    expect(isDubangError(failure, ErrorCodes.AssessmentInputError)).toBe(true);
    expect(isDubangError(failure, ErrorCodes.PolicyError)).toBe(false);
  });

  it('fails for everything else', () => {
    for (const other of [
      new Error('bad span'),
      Object.assign(new Error('x'), { name: 'CalendarError' }),
      { name: 'PolicyErrors', code: 'POLICY_' },
      { name: 'policyerror' },
      ApplicationFailure.nonRetryable('x', 'InputRefused'),
      'PolicyError',
      'POLICY',
      null,
      undefined,
      42,
    ]) {
      const matched = [isDubangError(other, ErrorCodes.PolicyError), isDubangError(other, PolicyError)];
      expect([other, matched]).toEqual([other, [false, false]]);
    }
  });
});

describe('error types crossing Temporal', () => {
  it('keep the strings recorded in workflow histories', () => {
    expect(ErrorType).toEqual({
      InputRefused: 'InputRefused',
      UnknownUnit: 'UnknownUnit',
      MissingRow: 'MissingRow',
      AssessmentInput: 'AssessmentInputError',
    });
  });

  it('are all non-retryable, each listed once', () => {
    const expected = ['AssessmentInputError', 'InputRefused', 'MissingRow', 'UnknownUnit'];
    expect([...NON_RETRYABLE_ERROR_TYPES].sort()).toEqual(expected);
  });
});
