/**
 * `dubang`: the Office's command-line tool. Each command group lives in cli/commands/<group>.ts
 * and exports `register(program)`. Every command has --help; --json gives machine output.
 */
import { Command } from 'commander';
import { registerAll } from './commands';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('dubang')
    .description('督办: 质量强市重点工作任务督办服务 (plan import, supervision, reminders, assessment)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  registerAll(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(70);
  });
}
