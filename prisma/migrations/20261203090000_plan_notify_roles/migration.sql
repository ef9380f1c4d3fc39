-- The assignment roles a plan's lifecycles notify, when `dubang supervise start --notify-roles`
-- chose them for that plan (empty: the policy file's notifyRoles). Existing plans choose nothing.

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "notifyRoles" "AssignmentRole"[] DEFAULT ARRAY[]::"AssignmentRole"[];
