using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Workstation.Portal.Storage;

/// <summary>A read-only transaction in which several queries see one state of the database: PostgreSQL's REPEATABLE
/// READ, SQLite's deferred transaction (in WAL mode a reader's snapshot, taken at its first read, that neither waits
/// for writers nor holds them up — SQLite's default BEGIN IMMEDIATE would take the write lock).</summary>
internal static class ReadSnapshot
{
    public static async Task<IDbContextTransaction> BeginAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite()) return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        return await db.Database.UseTransactionAsync(connection.BeginTransaction(IsolationLevel.Serializable, deferred: true), cancellationToken)
               ?? throw new InvalidOperationException("The snapshot transaction could not be used.");
    }
}
