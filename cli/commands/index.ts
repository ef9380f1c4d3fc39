/** The command groups of the CLI. Add a group by writing cli/commands/<group>.ts and listing it here. */
import type { Command } from 'commander';
import { register as db } from './db';
import { register as plan } from './plan';
import { register as units } from './units';

type Registrar = (program: Command) => void;

const groups: Registrar[] = [db, plan, units];

export function registerAll(program: Command): void {
  for (const register of groups) register(program);
}
