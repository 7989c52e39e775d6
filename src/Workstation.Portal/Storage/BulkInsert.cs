using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Workstation.Portal.Storage;

/// <summary>Appends many new rows of one entity type with multi-row INSERT statements built from the EF model (table,
/// columns, provider type mappings and value converters), without change tracking or interceptors: for generators that
/// write hundreds of thousands of rows (a hospital group's year), where SaveChanges costs more than the database.
/// Store-generated keys are left to the database and not read back. Runs in the caller's transaction, if any.</summary>
internal static class BulkInsert
{
    /// <summary>Bound parameters per statement (SQLite allows 32,766, PostgreSQL 65,535).</summary>
    private const int MaxParameters = 30_000;

    private const int MaxRowsPerStatement = 500;

    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class
    {
        if (rows.Count == 0) return;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd))
            .Select(p => (Property: p, Column: p.GetColumnName(table)!, Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping(),
                Getter: p.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{p.Name} is a shadow property: not supported.")))
            .ToList();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Column)))}) VALUES ";
        // SQLite: one row per statement, the statement prepared once and run again with new values (its parameters are
        // bound by name, one search each, so a statement with thousands of them costs more than it saves). Others:
        // multi-row statements (one round trip for hundreds of rows).
        var perStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParameters / columns.Count));

        var names = Enumerable.Range(0, perStatement * columns.Count).Select(i => sql.GenerateParameterName($"p{i}")).ToArray();
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            DbCommand? command = null;
            var commandRows = 0;
            try
            {
                for (var start = 0; start < rows.Count; start += perStatement)
                {
                    var count = Math.Min(perStatement, rows.Count - start);
                    if (command is null || commandRows != count)
                    {
                        if (command is not null) await command.DisposeAsync();
                        command = connection.CreateCommand();
                        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                        command.CommandText = head + string.Join(", ", Enumerable.Range(0, count).Select(r =>
                            "(" + string.Join(", ", Enumerable.Range(0, columns.Count).Select(c => sql.GenerateParameterNamePlaceholder($"p{r * columns.Count + c}"))) + ")"));
                        commandRows = count;
                    }
                    command.Parameters.Clear();
                    for (var r = 0; r < count; r++)
                    {
                        var row = rows[start + r];
                        for (var c = 0; c < columns.Count; c++)
                        {
                            var (property, _, mapping, getter) = columns[c];
                            // The mapping converts the value (value converters, DateOnly, enums) and sets the provider's type.
                            command.Parameters.Add(mapping.CreateParameter(command, names[r * columns.Count + c], getter.GetValue(row), property.IsNullable));
                        }
                    }
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            finally
            {
                if (command is not null) await command.DisposeAsync();
            }
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }
}
