using System.Net;
using Refit;

namespace Workstation.Portal.Uploads;

/// <summary>Why the HIS dictionaries could not be read, in the terms staff act on.</summary>
internal enum HisReadFailure
{
    /// <summary>No answer: HIS is down, unreachable or too slow.</summary>
    Unreachable,
    /// <summary>HIS refused the portal's API key (401/403).</summary>
    Refused,
    /// <summary>HIS answered with an error (4xx/5xx) or with something that is not the agreed data.</summary>
    BadAnswer,
}

/// <summary>The HIS dictionaries could not be read; <see cref="Failure"/> says how.</summary>
internal sealed class HisReadException(HisReadFailure failure, Exception inner) : Exception($"HIS dictionaries not read ({failure}): {inner.Message}", inner)
{
    public HisReadFailure Failure { get; } = failure;

    /// <summary>Classifies what calling HIS threw; null for anything that is not about HIS (a bug, the database).</summary>
    public static HisReadException? From(Exception ex) => ex switch
    {
        ApiException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => new(HisReadFailure.Refused, ex),
        ApiException { InnerException: System.Text.Json.JsonException } => new(HisReadFailure.BadAnswer, ex),
        ApiException => new(HisReadFailure.BadAnswer, ex),
        ApiRequestException or HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException => new(HisReadFailure.Unreachable, ex),
        System.Text.Json.JsonException => new(HisReadFailure.BadAnswer, ex),
        _ => null,
    };
}

/// <summary>The console's dictionary strip: when the dictionaries were last compared, what is still on its way, compare now.</summary>
internal interface IDictionarySync
{
    Task<(DateTime? LastSync, int Pending)> StatusAsync(CancellationToken cancellationToken);

    /// <summary>Compares now (everything when <paramref name="full"/>); null while another instance is comparing.</summary>
    /// <exception cref="HisReadException">HIS could not be read.</exception>
    Task<DictionarySyncResult?> SyncNowAsync(bool full, string actor, CancellationToken cancellationToken);
}

/// <summary>Runs the comparison for the console through the HIS client (components never hold a Refit client).</summary>
internal sealed class DictionarySyncCommands(MasterDataSync sync, IServiceScopeFactory scopes) : IDictionarySync
{
    public Task<(DateTime? LastSync, int Pending)> StatusAsync(CancellationToken cancellationToken) => sync.StatusAsync(cancellationToken);

    public async Task<DictionarySyncResult?> SyncNowAsync(bool full, string actor, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        try
        {
            return await sync.SyncDictionariesExclusiveAsync(scope.ServiceProvider.GetRequiredService<IHisRecordsApi>(), full, actor, cancellationToken);
        }
        catch (Exception ex) when (HisReadException.From(ex) is { } his)
        {
            throw his;
        }
    }
}
