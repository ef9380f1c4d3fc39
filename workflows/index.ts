/** Every workflow the lifecycle worker runs (the bundle entry point). */
export { taskLifecycle } from './task-lifecycle';
export { supervisionCatchUp } from './catch-up';
export { annualAssessment } from './assessment';
