using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Workstation.Portal.Storage;

/// <summary>The group commit's inserts on SQLite without a change tracker: one INSERT per table, prepared once on the
/// writer's own connection and bound per row with EF Core's own type mappings (the same column values SaveChanges
/// writes). SaveChanges built, for every batch, the modification commands, their SQL text and a result-set mapping, and
/// SQLite parsed that text again: on the order-check path about half of the commit thread's work, and the commit
/// thread is the one place where concurrent checks wait for each other.
/// <para>Only plain tables: no navigation, no shadow property, no inheritance, and no value the database generates
/// except an integer key (read back from the row id). Any other row type goes through SaveChanges.</para>
/// <para>Its connection does not checkpoint the WAL inside a commit; the writer calls <see cref="CheckpointIfDue"/>
/// after it has released a batch's waiters (decision 0018).</para>
/// <para>Not thread-safe: the group commit's thread owns it (its connection, its statements).</para></summary>
internal sealed class SqliteDirectInserts(IModel model, string connectionString, TimeProvider time, ILogger logger) : IDisposable
{
    /// <summary>A checkpoint is due this long after the last one when no row is waiting to be written…</summary>
    internal static readonly TimeSpan CheckpointWhenIdle = TimeSpan.FromMilliseconds(100);

    /// <summary>…and this long after it in any case. At 50 concurrent order checks the WAL grows by ~8,000 pages a
    /// second (SQLite's own checkpoint comes every 1,000).</summary>
    internal static readonly TimeSpan CheckpointAtLatest = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Type, Table?> _tables = [];
    private SqliteConnection? _connection;
    private long _lastCheckpoint = time.GetTimestamp();
    private DateTimeOffset _lastCheckpointWarning = DateTimeOffset.MinValue;

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, string Parameter);

    private sealed record Table(SqliteCommand Command, Column[] Columns, IProperty? RowId);

    /// <summary>Whether rows of <paramref name="type"/> can be inserted here.</summary>
    public bool Handles(Type type)
    {
        if (!_tables.TryGetValue(type, out var table)) _tables[type] = table = Build(type);
        return table is not null;
    }

    /// <summary>Inserts <paramref name="rows"/> (every type <see cref="Handles"/>) in one transaction. A failure throws
    /// <see cref="DbUpdateException"/> around SQLite's error, as SaveChanges does, and commits nothing.</summary>
    public void Insert(IReadOnlyList<object> rows)
    {
        var connection = Open();
        try
        {
            using var transaction = connection.BeginTransaction();
            foreach (var row in rows)
            {
                var table = _tables[row.GetType()]!;
                var command = table.Command;
                command.Transaction = transaction;
                command.Parameters.Clear();
                foreach (var column in table.Columns)
                {
                    var value = column.Property.GetGetter().GetClrValueUsingContainingEntity(row);
                    command.Parameters.Add(column.Mapping.CreateParameter(command, column.Parameter, value, column.Property.IsNullable));
                }
                command.ExecuteNonQuery();
                if (table.RowId is { PropertyInfo: { } key })
                    key.SetValue(row, Convert.ChangeType(SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle), key.PropertyType));
            }
            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            // Anything but a constraint (SQLITE_CONSTRAINT, 19: a unique key another writer stored first) may have left
            // the connection unusable (disk, I/O): start over on a fresh one next time.
            if (ex.SqliteErrorCode != 19) Reset();
            throw new DbUpdateException("The batch was not stored: " + ex.Message, ex);
        }
    }

    /// <summary>Copies the WAL into the database file (a PASSIVE checkpoint: it waits for no reader) when one is due:
    /// <see cref="CheckpointWhenIdle"/> after the last one if <paramref name="idle"/> (no row is waiting to be written),
    /// <see cref="CheckpointAtLatest"/> after it in any case. Called by the writer's thread between batches, so no
    /// commit of this connection runs meanwhile and the next one can start the WAL over. A failure is logged (at most
    /// once a minute) and tried again next time; commits go on either way (the WAL keeps them durable).</summary>
    public void CheckpointIfDue(bool idle)
    {
        if (_connection is not { State: System.Data.ConnectionState.Open } connection) return;
        var since = time.GetElapsedTime(_lastCheckpoint);
        if (since < CheckpointWhenIdle || (!idle && since < CheckpointAtLatest)) return;
        string? failure;
        try
        {
            var rc = SQLitePCL.raw.sqlite3_wal_checkpoint_v2(connection.Handle, "main", SQLitePCL.raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
            // BUSY: another connection is checkpointing (SQLite's own, on a connection that commits outside this writer).
            failure = rc is SQLitePCL.raw.SQLITE_OK or SQLitePCL.raw.SQLITE_BUSY ? null : $"SQLite {rc} ({SQLitePCL.raw.sqlite3_errstr(rc).utf8_to_string()})";
        }
        catch (Exception ex) // the thread every check waits for must not end here
        {
            failure = ex.Message;
        }
        _lastCheckpoint = time.GetTimestamp();
        var now = time.GetUtcNow();
        if (failure is null || now - _lastCheckpointWarning < TimeSpan.FromMinutes(1)) return;
        _lastCheckpointWarning = now;
        logger.LogWarning("WAL checkpoint failed: {Failure}; the database file lags behind its WAL until one succeeds", failure);
    }

    private SqliteConnection Open()
    {
        if (_connection is { State: System.Data.ConnectionState.Open } open) return open;
        Reset();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, SqliteBusyTimeout.Milliseconds);
        // No checkpoint inside this connection's commits: SQLite's default runs it in the COMMIT of the transaction that
        // takes the WAL past 1,000 pages, and that batch's waiters, and every request queued behind it, waited for it
        // (4–6 ms at 50 concurrent, up to 25). CheckpointIfDue runs it after the waiters are released.
        SQLitePCL.raw.sqlite3_wal_autocheckpoint(connection.Handle, 0);
        _connection = connection;
        foreach (var table in _tables.Values.OfType<Table>()) Prepare(table.Command);
        return connection;
    }

    private Table? Build(Type type)
    {
        if (model.FindEntityType(type) is not { } entity || entity.BaseType is not null || entity.GetDirectlyDerivedTypes().Any()
            || entity.GetNavigations().Any() || entity.GetSkipNavigations().Any() || entity.IsOwned()
            || entity.GetTableName() is not { } name)
            return null;
        var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var key = entity.FindPrimaryKey();
        IProperty? rowId = null;
        var columns = new List<Column>();
        foreach (var property in entity.GetProperties())
        {
            if (property.IsShadowProperty() || property.GetTypeMapping() is not RelationalTypeMapping mapping) return null;
            if (property.ValueGenerated != ValueGenerated.Never)
            {
                // Only an integer key the database numbers (SQLite's row id); any other generated value: SaveChanges.
                if (key?.Properties is [var only] && only == property && (property.ClrType == typeof(long) || property.ClrType == typeof(int)))
                {
                    rowId = property;
                    continue;
                }
                return null;
            }
            columns.Add(new Column(property, mapping, "@p" + columns.Count));
        }
        var sql = $"INSERT INTO \"{name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Property.GetColumnName(store)}\""))}) " +
                  $"VALUES ({string.Join(", ", columns.Select(c => c.Parameter))})";
        var command = new SqliteCommand(sql);
        Prepare(command);
        return new Table(command, [.. columns], rowId);
    }

    /// <summary>Compiles the statement once on the open connection; executions reuse it.</summary>
    private void Prepare(SqliteCommand command)
    {
        if (_connection is not { State: System.Data.ConnectionState.Open } connection) return;
        command.Connection = connection;
        command.Prepare();
    }

    private void Reset()
    {
        foreach (var table in _tables.Values.OfType<Table>()) table.Command.Connection = null;
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose()
    {
        foreach (var table in _tables.Values.OfType<Table>()) table.Command.Dispose();
        _connection?.Dispose();
    }
}
