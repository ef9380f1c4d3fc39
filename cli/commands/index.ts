/** The command groups of the CLI. Add a group by writing cli/commands/<group>.ts and listing it here. */
import type { Command } from 'commander';
import { register as assess } from './assess';
import { register as channels } from './channels';
import { register as db } from './db';
import { register as dev } from './dev';
import { register as im } from './im';
import { register as mail } from './mail';
import { register as plan } from './plan';
import { register as serve } from './serve';
import { register as supervise } from './supervise';
import { register as task } from './task';
import { register as units } from './units';

type Registrar = (program: Command) => void;

const groups: Registrar[] = [assess, db, dev, mail, im, channels, plan, units, supervise, task, serve];

export function registerAll(program: Command): void {
  for (const register of groups) register(program);
}
