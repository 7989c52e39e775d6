using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workstation.Platform.Contract;

namespace Workstation.Platform.Client;

/// <summary>Holds the platform token for the whole process and renews it before it expires.
/// One renewal at a time: concurrent callers wait for the same fetch.</summary>
public sealed class PlatformTokenProvider(
    IPlatformAuthApi auth,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger<PlatformTokenProvider> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CachedToken? _current;

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresAt);

    /// <summary>Returns a token valid for at least <see cref="PlatformOptions.TokenRenewBefore"/>.</summary>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var token = _current;
        if (token is not null && !NeedsRenewal(token)) return token.Value;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            token = _current;
            if (token is not null && !NeedsRenewal(token)) return token.Value;
            token = await FetchAsync(cancellationToken);
            _current = token;
            return token.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Fetches a fresh token: proves the platform answers and accepts the hospital's credentials.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken) => _current = await FetchAsync(cancellationToken);

    /// <summary>Forgets <paramref name="rejectedToken"/> so the next call fetches a new one (after a 401).</summary>
    public void Invalidate(string rejectedToken)
    {
        var token = _current;
        if (token is not null && token.Value == rejectedToken) _current = null;
    }

    private bool NeedsRenewal(CachedToken token) =>
        time.GetUtcNow() >= token.ExpiresAt - options.CurrentValue.TokenRenewBefore;

    private async Task<CachedToken> FetchAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        PlatformEnvelope<TokenData> envelope;
        try
        {
            envelope = await auth.GetTokenAsync(new TokenRequest(o.Username, o.Password), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw PlatformErrors.Translate(ex, "token");
        }

        if (envelope.Code != PlatformCodes.Success || envelope.Data is null || string.IsNullOrEmpty(envelope.Data.Token))
        {
            logger.LogWarning("Platform refused the token request: {Code} {Message}", envelope.Code, envelope.Message);
            throw new PlatformException(PlatformFailure.Unauthorized,
                $"The platform refused the hospital's credentials ({envelope.Code}: {envelope.Message}).");
        }

        var lifetime = TimeSpan.FromSeconds(Math.Max(1, envelope.Data.ExpiresIn));
        logger.LogInformation("Platform token obtained, valid for {Lifetime}", lifetime);
        return new CachedToken(envelope.Data.Token, time.GetUtcNow() + lifetime);
    }
}
