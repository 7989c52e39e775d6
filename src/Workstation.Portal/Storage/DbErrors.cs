using Microsoft.EntityFrameworkCore;

namespace Workstation.Portal.Storage;

/// <summary>Tells a unique-index violation (a race that another writer won: the row exists) from every other failure
/// (database unreachable, locked, shutting down), which must not be mistaken for "already there".</summary>
internal static class DbErrors
{
    public static bool IsUniqueViolation(DbUpdateException exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }) return true;
            // SQLITE_CONSTRAINT (19) with the extended codes for UNIQUE (2067) and PRIMARY KEY (1555).
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 }) return true;
        }
        return false;
    }
}
