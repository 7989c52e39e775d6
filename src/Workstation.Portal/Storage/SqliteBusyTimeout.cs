using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Workstation.Portal.Storage;

/// <summary>Sets SQLite's own busy timeout on every opened connection. Without it a writer that finds the database
/// locked gets SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after sleeping 150 ms on a pool thread; with it
/// SQLite waits inside the call in steps of 1–100 ms, so a write queued behind another commit waits milliseconds, not
/// 150 ms per try.</summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public const int Milliseconds = 5000;

    // Set on the native handle at every open (a pooled connection is opened once per query): a field write inside
    // SQLite, where a "PRAGMA busy_timeout" statement cost a prepare and a step per query.
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
    }
}
