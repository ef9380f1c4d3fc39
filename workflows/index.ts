/** Every workflow the lifecycle worker runs (the bundle entry point). */
export { taskLifecycle } from './task-lifecycle';
