using Microsoft.Extensions.Options;
using Workstation.Portal.Background;

namespace Workstation.Portal.Uploads;

/// <summary>Compares the HIS department and staff dictionaries with what was sent, at start and every
/// <see cref="UploadsOptions.DictionarySyncInterval"/>; changes go to the platform through the outbox.</summary>
internal sealed class DictionarySyncWorker(
    IDictionarySync dictionaries,
    IOptionsMonitor<UploadsOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<DictionarySyncWorker> logger) : BackgroundService
{
    /// <summary>How long the worker waits after HIS could not be read.</summary>
    private static readonly TimeSpan AfterFailure = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.HisBaseUrl is null) return; // no HIS master-data interface configured
        if (!await HostStart.WaitAsync(lifetime, stoppingToken)) return;
        await new WakeableLoop(time).RunAsync(async ct =>
        {
            try
            {
                // One instance compares at a time; the others skip this round (their next round compares again).
                var queued = (await dictionaries.SyncNowAsync(full: false, "system", ct))?.Queued;
                if (queued > 0) logger.LogInformation("Dictionaries: {Queued} changed entries queued for the platform", queued);
                return options.CurrentValue.DictionarySyncInterval;
            }
            catch (HisReadException ex)
            {
                // HIS not (yet) reachable, refusing the key, or answering garbage: never stop the portal for it.
                logger.LogWarning(ex, "HIS dictionaries could not be read ({Failure}); trying again in a minute", ex.Failure);
                return AfterFailure;
            }
        }, () => AfterFailure, logger, "Dictionary comparison", stoppingToken, passFirst: true);
    }
}
