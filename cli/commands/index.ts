/** The command groups of the CLI. Add a group by writing cli/commands/<group>.ts and listing it here. */
import type { Command } from 'commander';

type Registrar = (program: Command) => void;

const groups: Registrar[] = [];

export function registerAll(program: Command): void {
  for (const register of groups) register(program);
}
