using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Workstation.Platform.Contract;

namespace Workstation.Platform;

/// <summary>Whether the platform is answering, as seen by this process, and the way back when it returns.
/// <para>The circuit breaker keeps doctors from waiting on a platform that is down, but left alone it would keep
/// refusing calls for its whole break after the platform is back. So while the platform is down a probe (a token
/// request that bypasses the breaker) runs every <see cref="PlatformOptions.ProbeInterval"/>; a click on an amber badge
/// probes at once. When a probe succeeds the breakers are closed and <see cref="Subscribe"/> listeners hear of it
/// (the badge re-checks, the re-check of unchecked orders runs). See docs/decisions/0008-platform-recovery-probe.md.</para></summary>
public sealed class PlatformAvailability(
    IHttpClientFactory clients,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger<PlatformAvailability> logger)
{
    /// <summary>Name of the probe's HTTP client: no retry, no breaker, one attempt bounded by the attempt timeout.</summary>
    public const string ProbeClient = "platform-probe";

    private readonly Lock _gate = new();
    private readonly List<Action> _listeners = [];
    private readonly SemaphoreSlim _probing = new(1, 1);
    private volatile bool _down;

    /// <summary>Closes (or isolates) every circuit breaker of the platform clients at once.</summary>
    public CircuitBreakerManualControl Breakers { get; } = new();

    /// <summary>True after a call failed because the platform was unreachable, slow or broken, until one succeeds.</summary>
    public bool IsDown => _down;

    /// <summary>When the platform last came back.</summary>
    public DateTimeOffset? RecoveredAt { get; private set; }

    /// <summary>Runs <paramref name="onRecovered"/> each time the platform comes back; dispose to stop.</summary>
    public IDisposable Subscribe(Action onRecovered)
    {
        lock (_gate) _listeners.Add(onRecovered);
        return new Subscription(() => { lock (_gate) _listeners.Remove(onRecovered); });
    }

    /// <summary>A call failed: unreachable, timed out or answered 5xx / garbage marks the platform down.</summary>
    public void ReportFailure(PlatformFailure failure)
    {
        if (failure is PlatformFailure.Unavailable or PlatformFailure.Timeout or PlatformFailure.Malformed) _down = true;
    }

    /// <summary>A call succeeded: if the platform was down, it is back.</summary>
    public void ReportSuccess()
    {
        if (!_down) return;
        _down = false;
        RecoveredAt = time.GetUtcNow();
        logger.LogInformation("Recognition platform answers again");
        Action[] listeners;
        lock (_gate) listeners = [.. _listeners];
        foreach (var listener in listeners)
        {
            try
            {
                listener();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A platform-recovered listener failed");
            }
        }
    }

    /// <summary>Asks the platform directly (past the breakers) whether it answers; when it does, closes the breakers
    /// and reports the recovery. Concurrent callers share one probe.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!await _probing.WaitAsync(0, cancellationToken))
        {
            await _probing.WaitAsync(cancellationToken); // someone else is probing: wait for their answer
            _probing.Release();
            return !_down;
        }
        try
        {
            var o = options.CurrentValue;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.AttemptTimeout);
            var client = clients.CreateClient(ProbeClient);
            using var response = await client.PostAsJsonAsync("api/v1/auth/token", new TokenRequest(o.Username, o.Password),
                PlatformServiceCollectionExtensions.Json, timeout.Token);
            if (!response.IsSuccessStatusCode) return false;
            var envelope = await response.Content.ReadFromJsonAsync<PlatformEnvelope<TokenData>>(PlatformServiceCollectionExtensions.Json, timeout.Token);
            if (envelope?.Code != PlatformCodes.Success) return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or NotSupportedException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            _probing.Release();
        }
        await Breakers.CloseAsync(CancellationToken.None);
        _down = true; // so that ReportSuccess announces the recovery even if no call had failed in this process
        ReportSuccess();
        return true;
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
