import * as path from 'node:path';

/** The real plan as published, from the shared folder beside the checkout. */
export const REAL_PLAN = path.resolve(__dirname, '..', '..', '..', 'shared', 'plans', 'nanchang-quality-city-2024.txt');
