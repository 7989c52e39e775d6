namespace Workstation.Sandbox.Platform;

/// <summary>Faults the platform simulator injects, switchable at run time through <c>/admin/faults</c>.</summary>
/// <param name="LatencyMs">Added to every API call.</param>
/// <param name="ErrorRate">Share of API calls answered 500 (0..1).</param>
/// <param name="Outage">Every API call answered 503.</param>
/// <param name="MalformedJson">Answers 200 with broken JSON.</param>
/// <param name="HtmlErrors">Answers 502 with an HTML error page, as a broken gateway does.</param>
/// <param name="TokenTtlSeconds">Lifetime of tokens issued from now on.</param>
/// <param name="RejectCredentials">The token endpoint refuses every login.</param>
/// <param name="AlwaysUnauthorized">Every API call answers 401, even with a fresh token.</param>
/// <param name="FailNextCalls">The next N API calls (token requests excluded) answer 500, then the platform recovers.</param>
/// <param name="JitterMs">Up to this much more latency, uniformly at random per call (a real platform's spread).</param>
public sealed record PlatformFaults(
    int LatencyMs = 0,
    double ErrorRate = 0,
    bool Outage = false,
    bool MalformedJson = false,
    bool HtmlErrors = false,
    int TokenTtlSeconds = 7200,
    bool RejectCredentials = false,
    bool AlwaysUnauthorized = false,
    int FailNextCalls = 0,
    int JitterMs = 0)
{
    public static readonly PlatformFaults None = new();

    public string? Validate() =>
        LatencyMs is < 0 or > 120_000 ? "latencyMs must be between 0 and 120000"
        : ErrorRate is < 0 or > 1 ? "errorRate must be between 0 and 1"
        : JitterMs is < 0 or > 60_000 ? "jitterMs must be between 0 and 60000"
        : FailNextCalls is < 0 or > 1000 ? "failNextCalls must be between 0 and 1000"
        : TokenTtlSeconds is < 1 or > 86_400 ? "tokenTtlSeconds must be between 1 and 86400"
        : null;
}

/// <summary>Counters the tests read to see what the client really did.</summary>
public sealed record PlatformStats(int TokensIssued, int Unauthorized, int ApiCalls, int FaultsInjected);
