using Microsoft.Extensions.Options;
using Refit;

namespace Workstation.Portal.HealthCard;

/// <summary>The city card-management system as the front-end system calls it (Refit source-generated).</summary>
internal interface ICardSystemApi
{
    [Get("/cards/api/blacklist")]
    Task<CardBlacklist> GetBlacklistAsync(CancellationToken cancellationToken);

    [Get("/cards/api/blacklist/deltas")]
    Task<CardBlacklistDeltas> GetDeltasAsync(long since, CancellationToken cancellationToken);

    [Post("/cards/api/usage-logs")]
    Task PostUsageAsync([Body] CardUsageBatchUpload batch, CancellationToken cancellationToken);
}

internal sealed record CardBlacklistEntry(string CardNumber, string Scope, string Reason);

internal sealed record CardBlacklist(long Version, IReadOnlyList<CardBlacklistEntry> Entries);

internal sealed record CardBlacklistDelta(long Version, IReadOnlyList<CardBlacklistEntry> Added, IReadOnlyList<string> Removed);

internal sealed record CardBlacklistDeltas(long CurrentVersion, IReadOnlyList<CardBlacklistDelta> Deltas);

internal sealed record CardUsageUploadEntry(long UsageId, string CardNumber, string Scene, string TerminalId, string OperatorId, DateTime UsedAt,
    bool Allowed, string? Reason);

/// <summary>A batch of usage logs; the card system ignores a batch id it already has.</summary>
internal sealed record CardUsageBatchUpload(string BatchId, string HospitalCode, IReadOnlyList<CardUsageUploadEntry> Entries);

/// <summary>Adds the front-end system's key to every call (one place, not in callers).</summary>
internal sealed class CardSystemKeyHandler(IOptionsMonitor<HealthCardOptions> options) : DelegatingHandler
{
    public const string Header = "X-Card-Api-Key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(Header);
        request.Headers.Add(Header, options.CurrentValue.ApiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
