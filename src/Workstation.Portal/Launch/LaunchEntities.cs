namespace Workstation.Portal.Launch;

/// <summary>A nonce of a signed launch URL already used (replay protection), kept until the URL would have expired.</summary>
internal sealed class LaunchNonce
{
    public long Id { get; set; }

    public string ClientId { get; set; } = "";

    public string Nonce { get; set; } = "";

    public DateTime ExpiresAt { get; set; }
}

/// <summary>A one-time launch code or a launch session. Only the SHA-256 of the token is stored.</summary>
public sealed class LaunchTicket
{
    public const string CodeKind = "code";
    public const string SessionKind = "session";

    /// <summary>Hex SHA-256 of the token.</summary>
    public string Id { get; set; } = "";

    public string Kind { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string EncounterId { get; set; } = "";

    /// <summary>The <see cref="LaunchContext"/> as JSON.</summary>
    public string ContextJson { get; set; } = "";

    /// <summary>Where a code leads after redemption (e.g. a decision page), relative to the portal.</summary>
    public string? Next { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? ConsumedAt { get; set; }
}
