using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Storage;

/// <summary>Where the portal keeps its data (section <c>Storage</c>).</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (default, a file under <c>data/</c>) or <c>Postgres</c>.</summary>
    [Required, RegularExpression("^(Sqlite|Postgres)$", ErrorMessage = "Storage:Provider must be 'Sqlite' or 'Postgres'.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>ADO.NET connection string of the chosen provider. A relative SQLite path is under the content root.</summary>
    [Required(ErrorMessage = "Storage:ConnectionString is required.")]
    public string ConnectionString { get; set; } = "Data Source=data/workstation.db";
}
