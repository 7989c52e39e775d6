namespace Workstation.Portal.Storage;

/// <summary>Says which added rows a SaveChanges interceptor must see. On SQLite the group commit inserts rows without a
/// DbContext (<see cref="SqliteDirectInserts"/>), where no interceptor runs; a batch holding a row that some rule
/// claims is saved through SaveChanges instead. Every interceptor that acts on added rows implements this (a test
/// checks the registrations); one that only acts on changed or removed rows (the audit trail's guard) needs none.</summary>
public interface IAddedRowRule
{
    bool NeedsSaveChanges(object row);
}
