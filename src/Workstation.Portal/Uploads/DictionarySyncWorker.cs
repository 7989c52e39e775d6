using Microsoft.Extensions.Options;
using Workstation.Portal.Background;

namespace Workstation.Portal.Uploads;

/// <summary>Compares the HIS department and staff dictionaries with what was sent, at start and every
/// <see cref="UploadsOptions.DictionarySyncInterval"/>; changes go to the platform through the outbox.</summary>
internal sealed class DictionarySyncWorker(
    IServiceScopeFactory scopes,
    MasterDataSync sync,
    IOptionsMonitor<UploadsOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<DictionarySyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.HisBaseUrl is null) return; // no HIS master-data interface configured
        if (!await HostStart.WaitAsync(lifetime, stoppingToken)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                // One instance compares at a time; the others skip this round (their next round compares again).
                var queued = (await sync.SyncDictionariesExclusiveAsync(scope.ServiceProvider.GetRequiredService<IHisRecordsApi>(), full: false, "system", stoppingToken))?.Queued;
                if (queued > 0) logger.LogInformation("Dictionaries: {Queued} changed entries queued for the platform", queued);
                await Task.Delay(options.CurrentValue.DictionarySyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // HIS not (yet) reachable, or answering garbage: never stop the portal for it.
                logger.LogWarning("HIS dictionaries could not be read ({Error}); trying again in a minute", ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
