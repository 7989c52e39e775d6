using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Platform.Contract;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;
using Workstation.Portal.Uploads;
using Workstation.Sandbox.Demo;

namespace Workstation.Bench;

/// <summary>Outbox throughput to the platform simulator over HTTP: N lab-data uploads enqueued in transactions of 500
/// (as the feed and the console write them), delivered by the portal's own background dispatcher (leases, batches,
/// SQLite file). Prints items/s and enqueue → delivered percentiles.</summary>
public static class OutboxBench
{
    public static async Task RunAsync(BenchEnvironment env, int uploads)
    {
        var services = env.Portal.Services;
        var writer = services.GetRequiredService<OutboxWriter>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var patient = DemoWorld.Patients[0].Identity;
        var results = new List<LabResult> { new("WBC", "白细胞计数", "5.6", "10^9/L", "3.5-9.5", "N"), new("HGB", "血红蛋白", "142", "g/L", "130-175", "N") };
        var run = Guid.NewGuid().ToString("N")[..6];

        var watch = Stopwatch.StartNew();
        for (var start = 0; start < uploads; start += 500)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            for (var i = start; i < Math.Min(uploads, start + 500); i++)
            {
                var number = $"B{run}{i:000000}";
                writer.Add(db, $"lab:{number}", UploadMessages.Destination, UploadMessages.LabData, Workstation.Portal.Uploads.UploadMessages.ReportKey(number),
                    JsonSerializer.Serialize(new LabReportUpload(number, patient, "L001", "NK", "S001", "S002", DateTime.UtcNow, results)));
            }
            await db.SaveChangesAsync();
            writer.Signal();
        }
        var enqueued = watch.Elapsed;

        int delivered;
        do
        {
            await Task.Delay(200);
            await using var db = await dbFactory.CreateDbContextAsync();
            delivered = await db.Outbox.CountAsync(m => m.Id.StartsWith("lab:B" + run) && m.State == OutboxStates.Delivered);
        }
        while (delivered < uploads && watch.Elapsed < TimeSpan.FromMinutes(5));
        var total = watch.Elapsed;

        await using var read = await dbFactory.CreateDbContextAsync();
        var latencies = (await read.Outbox.AsNoTracking().Where(m => m.Id.StartsWith("lab:B" + run) && m.DeliveredAt != null)
            .Select(m => new { m.CreatedAt, m.DeliveredAt }).ToListAsync())
            .Select(m => (m.DeliveredAt!.Value - m.CreatedAt).TotalMilliseconds).ToList();
        var p = Percentiles.Of(latencies, uploads - delivered);
        var accepted = env.Sandbox.Platform.Uploads.Count(e => e.Operation == "lab" && e.Key.StartsWith("B" + run, StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"Outbox → platform simulator: {uploads} lab-data uploads (enqueued in {enqueued.TotalSeconds:F1} s, transactions of 500)");
        Console.WriteLine($"  delivered {delivered} in {total.TotalSeconds:F1} s = {delivered / total.TotalSeconds:F0} items/s; accepted by the platform {accepted} (each once: {accepted == delivered})");
        Console.WriteLine($"  enqueue → delivered p50 {p.P50 / 1000:F1} s, p95 {p.P95 / 1000:F1} s, p99 {p.P99 / 1000:F1} s (a backlog drained by one dispatcher)");
    }
}
