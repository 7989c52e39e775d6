using Workstation.Portal.Storage;

namespace Workstation.Portal.HealthCard;

/// <summary>Checks a card against the blacklist in memory and writes the usage log (group commit: concurrent checks
/// share one transaction, and the answer goes out only once the log is on disk).</summary>
internal sealed class CardVerifier(
    Blacklist blacklist,
    GroupCommitWriter writer,
    Microsoft.Extensions.Options.IOptionsMonitor<HealthCardOptions> options,
    TimeProvider time,
    ILogger<CardVerifier> logger)
{
    public const string Blacklisted = "blacklisted";

    public async Task<CardVerifyResponse> VerifyAsync(CardVerifyRequest request, string clientId)
    {
        var card = Blacklist.Key(request.CardNumber);
        var (hit, version) = blacklist.Check(card);
        var usage = new CardUsage
        {
            UsedAt = time.GetUtcNow().UtcDateTime, ClientId = clientId, CardNumber = card, Scene = request.Scene,
            TerminalId = request.TerminalId, OperatorId = request.OperatorId, Allowed = hit is null,
            Reason = hit is null ? null : $"{hit.Scope}:{hit.Reason}", BlacklistVersion = version,
        };
        var committed = writer.InsertAsync(usage);
        long? usageId = null;
        if (options.CurrentValue.WaitForUsageLogCommit)
        {
            await committed;
            usageId = usage.Id;
        }
        else
        {
            _ = committed.ContinueWith(t => logger.LogError(t.Exception, "A card usage log was not committed"),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        var syncedAt = blacklist.Status.LastSyncAt;
        return hit is null
            ? new CardVerifyResponse(true, null, null, null, null, usageId, version, syncedAt)
            : new CardVerifyResponse(false, Blacklisted, $"该居民健康卡在{hit.ScopeName}黑名单中（{hit.Reason}），不能用于{CardScenes.NameOf(request.Scene)}",
                hit.Scope, hit.Reason, usageId, version, syncedAt);
    }
}
