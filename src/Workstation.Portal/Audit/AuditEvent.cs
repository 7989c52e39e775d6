namespace Workstation.Portal.Audit;

/// <summary>Something a person or the system did that an auditor may ask about (logins, decisions, uploads...).</summary>
internal sealed class AuditEvent
{
    public long Id { get; set; }

    /// <summary>UTC time of the event.</summary>
    public DateTime At { get; set; }

    /// <summary>User name, or "system".</summary>
    public string Actor { get; set; } = "";

    /// <summary>Stable action code, e.g. "account.login".</summary>
    public string Action { get; set; } = "";

    public string? Subject { get; set; }

    public string? Detail { get; set; }
}
