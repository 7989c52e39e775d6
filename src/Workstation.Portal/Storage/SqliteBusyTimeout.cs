using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Workstation.Portal.Storage;

/// <summary>Sets SQLite's own busy timeout on every opened connection. Without it a writer that finds the database
/// locked gets SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after sleeping 150 ms on a pool thread; with it
/// SQLite waits inside the call in steps of 1–100 ms, so a write queued behind another commit waits milliseconds, not
/// 150 ms per try.</summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA busy_timeout = 5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
