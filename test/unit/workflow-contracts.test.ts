/**
 * The names clients start workflows and query them by (contracts/) are the names the workflow code
 * bears: app/ and the CLI start workflows by these strings and never import workflows/.
 */
import { ANNUAL_ASSESSMENT_WORKFLOW } from '../../contracts/assessment';
import { LIFECYCLE_QUERY, SUPERVISION_CATCH_UP_WORKFLOW, TASK_LIFECYCLE_WORKFLOW } from '../../contracts/workflows';
import * as workflows from '../../workflows';
import { stateQuery, upcomingQuery } from '../../workflows/task-lifecycle';

describe('workflow contracts', () => {
  it('names every workflow of the bundle as it is exported', () => {
    const names = [ANNUAL_ASSESSMENT_WORKFLOW, SUPERVISION_CATCH_UP_WORKFLOW, TASK_LIFECYCLE_WORKFLOW];
    expect(Object.keys(workflows).sort()).toEqual(names.sort());
    expect(workflows.taskLifecycle.name).toBe(TASK_LIFECYCLE_WORKFLOW);
    expect(workflows.supervisionCatchUp.name).toBe(SUPERVISION_CATCH_UP_WORKFLOW);
    expect(workflows.annualAssessment.name).toBe(ANNUAL_ASSESSMENT_WORKFLOW);
  });

  it('names the lifecycle queries as the workflow defines them', () => {
    expect([stateQuery.name, upcomingQuery.name]).toEqual([LIFECYCLE_QUERY.state, LIFECYCLE_QUERY.upcoming]);
  });
});
