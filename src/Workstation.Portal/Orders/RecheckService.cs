using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform;
using Workstation.Portal.Background;
using Workstation.Portal.Notifications;
using Workstation.Portal.Launch;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Orders;

/// <summary>Background work of the order feature (section <c>Orders</c>).</summary>
internal sealed class OrdersOptions
{
    public const string Section = "Orders";

    /// <summary>How often "not checked" orders are re-checked and pending report downloads retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back "not checked" orders are re-checked.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan RecheckWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>false: this instance runs no re-check worker (others on the same database do; each unchecked order is
    /// claimed by one of them). For instances that only serve pages.</summary>
    public bool RunRecheck { get; set; } = true;
}

/// <summary>A check that was "not checked" and has now been re-checked: clear, or late duplicates the doctor must decide.</summary>
internal sealed record RecheckedOrder(string ClientId, string EncounterId, string CheckId, bool LateDuplicates);

/// <summary>Tells open encounters that their unchecked orders were re-checked, on every instance.</summary>
internal sealed class RecheckNotifier(IClusterBus bus, ILoggerFactory loggers)
    : ClusterNotifier<RecheckedOrder>("workstation:rechecked", bus, loggers);

/// <summary>When the platform is back: re-checks orders that could not be checked, marks late duplicates for the
/// doctor, and retries downloads of recognised reports. Runs every <see cref="OrdersOptions.RecheckInterval"/> and at
/// once when the platform comes back. State lives in the database, so a restart forgets nothing.</summary>
internal sealed class RecheckService(
    IServiceScopeFactory scopes,
    IOptionsMonitor<OrdersOptions> options,
    RecheckNotifier notifier,
    PlatformAvailability availability,
    TimeProvider time,
    ILogger<RecheckService> logger) : BackgroundService
{
    private readonly WakeableLoop _loop = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.RunRecheck)
        {
            logger.LogInformation("Re-check worker is off on this instance (Orders:RunRecheck=false)");
            return;
        }
        using var recovered = availability.Subscribe(Wake);
        await _loop.RunAsync(() => options.CurrentValue.RecheckInterval, RunOnceAsync, logger, "Re-check", stoppingToken);
    }

    /// <summary>Runs a pass now (the platform came back) instead of at the next interval.</summary>
    public void Wake() => _loop.Wake();

    /// <summary>One pass; returns how many checks found late duplicates.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var dbFactory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var checks = scope.ServiceProvider.GetRequiredService<OrderCheckService>();
        var decisions = scope.ServiceProvider.GetRequiredService<DecisionService>();
        var since = time.GetUtcNow().UtcDateTime - options.CurrentValue.RecheckWindow;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pendingRetains = await db.Decisions.Where(d => d.RetainStatus == RetainStatuses.Pending).OrderBy(d => d.Id).Select(d => d.Id).Take(50).ToListAsync(cancellationToken);
        foreach (var id in pendingRetains) await decisions.TryRetainAsync(id, cancellationToken);

        var notChecked = await db.OrderChecks.Where(c => c.Status == OrderCheckStatus.NotChecked && c.CreatedAt > since)
            .OrderBy(c => c.CreatedAt).Take(50).ToListAsync(cancellationToken);
        var late = 0;
        foreach (var check in notChecked)
        {
            // Claimed for a while by a conditional update: another instance's pass (or a concurrent one) skips it.
            var now = time.GetUtcNow().UtcDateTime;
            var claimed = await db.OrderChecks
                .Where(c => c.Id == check.Id && c.Status == OrderCheckStatus.NotChecked && (c.RecheckClaimedUntil == null || c.RecheckClaimedUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.RecheckClaimedUntil, now + TimeSpan.FromMinutes(2)), cancellationToken);
            if (claimed == 0) continue;
            var context = JsonSerializer.Deserialize<LaunchContext>(check.ContextJson)!;
            var lines = JsonSerializer.Deserialize<List<LineCheck>>(check.LinesJson)!.Select(l => new OrderLine(l.LineId, l.ItemCode)).ToList();
            var outcome = await checks.CheckAsync(context, check.DraftOrderId, check.Stage, lines, cancellationToken);
            if (outcome.Status == OrderCheckStatus.NotChecked)
            {
                // Still down: drop the copy the re-check just stored, keep the original and free it for the next pass.
                await db.OrderChecks.Where(c => c.Id == outcome.CheckId).ExecuteDeleteAsync(cancellationToken);
                await db.OrderChecks.Where(c => c.Id == check.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.RecheckClaimedUntil, (DateTime?)null), cancellationToken);
                break;
            }
            check.RecheckedAt = time.GetUtcNow().UtcDateTime;
            check.Status = outcome.Undecided.Any() ? OrderCheckStatus.LateDuplicates : OrderCheckStatus.Clear;
            check.LinesJson = JsonSerializer.Serialize(outcome.Lines);
            await db.OrderChecks.Where(c => c.Id == outcome.CheckId).ExecuteDeleteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            var lateDuplicates = check.Status == OrderCheckStatus.LateDuplicates;
            if (lateDuplicates)
            {
                late++;
                logger.LogWarning("Order {Draft} ({Stage}) of encounter {Encounter} was not checked and duplicates a recognisable result",
                    check.DraftOrderId, check.Stage, check.EncounterId);
            }
            notifier.Publish(new RecheckedOrder(check.ClientId, check.EncounterId, check.Id, lateDuplicates));
        }
        return late;
    }
}
