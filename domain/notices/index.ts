/**
 * The notice slice of the domain, pure: the kinds and their registry (what each kind is, who gets
 * it, what closing an assignment does to it, when it is stale), the plain data the policy engine
 * returns (PlannedNotice), the payload a notice carries by kind, the delivery states, and the
 * notice's identity and key. The workflow carries planned notices out; the notification pipeline
 * (app/notices) renders and sends them.
 *
 * The payload's zod schema is in ./schema (not re-exported here: workflow code imports this index,
 * and the schema library stays out of the workflow bundle).
 */
export * from './kinds';
export * from './planned';
export * from './registry';
export * from './key';
export * from './payload';
export * from './stale';
export * from './delivery';
export * from './catch-up-slips';
export * from './letters';
