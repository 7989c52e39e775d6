namespace Workstation.Portal.Audit;

/// <summary>The database's own guard of the audit trail: triggers that refuse every UPDATE and DELETE of
/// <c>audit_events</c>, bulk statements and other tools included (the DbContext refuses changes itself too). Written by
/// hand into the <c>Initial</c> migration of each provider (tools/regenerate-initial-migration.sh).</summary>
internal static class AuditTriggers
{
    public const string CreateSqlite =
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;\n" +
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;";

    public const string DropSqlite = "DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete;";

    public const string CreatePostgres =
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$;\n" +
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();";

    public const string DropPostgres = "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events; DROP FUNCTION IF EXISTS audit_events_append_only();";
}
