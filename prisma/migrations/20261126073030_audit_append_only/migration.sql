-- The audit log is append-only: refuse UPDATE and DELETE on "AuditEvent" for every role that
-- connects as the application. (Triggers are invisible to Prisma's schema diff, so this migration
-- does not cause drift; test/integration/db-audit.test.ts checks it is in force.)
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '审计日志只允许追加: 不能对 "AuditEvent" 执行 % (id=%)', TG_OP, OLD."id"
    USING ERRCODE = 'P0001',
          HINT = 'AuditEvent is append-only; record a new event instead of changing or removing one.';
END;
$$;

CREATE TRIGGER "AuditEvent_append_only"
BEFORE UPDATE OR DELETE ON "AuditEvent"
FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
