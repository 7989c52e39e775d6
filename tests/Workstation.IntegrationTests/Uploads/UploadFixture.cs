using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Alerts;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;
using Workstation.Portal.Uploads;
using Workstation.Sandbox;
using Workstation.Sandbox.Demo;

namespace Workstation.IntegrationTests.Uploads;

/// <summary>The portal with the LIS feed on and the outbox driven by the test (<c>Outbox:Dispatch=false</c>), so that
/// one or two dispatchers can be run exactly when a test says.</summary>
public sealed class UploadFixture : IAsyncLifetime
{
    public const string HisSecret = "integration-his-webhook-secret-000000000001";
    public const string PacsSecret = "integration-pacs-webhook-secret-00000000001";

    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "workstation-up-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, Sandbox, _dataDirectory, new Dictionary<string, string?>
        {
            ["Uploads:LisBaseUrl"] = Sandbox.LisUrl.ToString(),
            ["Uploads:HisBaseUrl"] = Sandbox.HisUrl.ToString(),
            ["Uploads:HisApiKey"] = Sandbox.His.Records.ApiKey,
            ["Uploads:DictionarySyncInterval"] = "1.00:00:00",
            ["Webhooks:Sources:his:Secret"] = HisSecret,
            ["Webhooks:Sources:pacs:Secret"] = PacsSecret,
            ["Uploads:FeedInterval"] = "00:00:00.200",
            ["Uploads:Departments:HOLD"] = "Approve",
            ["Outbox:FirstBackoff"] = "00:00:00.050",
            ["Outbox:MaxBackoff"] = "00:00:00.500",
            ["Outbox:MaxConcurrency"] = "32",
            // Uploads tolerate a slow platform (the 30%-errors, 2-s-latency run): the token must still be fetched.
            ["Platform:AttemptTimeout"] = "00:00:05",
            ["Platform:RequestBudget"] = "00:00:20",
            ["Platform:MinimumThroughput"] = "1000",
        }));
        _ = Factory.Server; // start the host (background feed)
    }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    /// <summary>The LIS approves a 血常规 for a demo patient and posts the signed event; returns the report number.</summary>
    public async Task<string> ApproveAsync(string hisId = "P1001", string? idNumber = null, string department = "JYK", bool selfApproved = false)
    {
        var report = Sandbox.Lis.Reports.Create(DemoWorld.FindByHisId(hisId)!, idNumber, selfApproved);
        Sandbox.Lis.Reports.Put(report);
        await PostAsync("report-approved", report.Header.ReportNumber, department);
        return report.Header.ReportNumber;
    }

    public async Task PostAsync(string type, string number, string department = "JYK", string source = "lis")
    {
        var body = new { eventId = $"{type}-{number}-{Guid.NewGuid():N}"[..60], type, data = new { reportNumber = number, kind = source == "pacs" ? "exam" : "lab", departmentCode = department } };
        var response = await Factory.CreateClient().SendAsync(
            WebhookClient.Signed(body, source == "pacs" ? PacsSecret : PortalFixture.LisSecret, source), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>PACS approves a chest CT for a demo patient and posts the signed event; returns the report number.</summary>
    public async Task<string> ApproveExamAsync(string hisId)
    {
        var report = Sandbox.Lis.Reports.CreateExam(DemoWorld.FindByHisId(hisId)!);
        Sandbox.Lis.Reports.PutExam(report);
        await PostAsync("report-approved", report.Header.ReportNumber, "FSK", "pacs");
        return report.Header.ReportNumber;
    }

    /// <summary>HIS reports a visit started (reception), signed with X-HIS-Signature as seed 000 says.</summary>
    public async Task VisitStartedAsync(string patientCode)
    {
        var body = new { eventId = $"VISIT-{patientCode}-{Guid.NewGuid():N}", type = "VISIT_STARTED", data = new { patientCode, departmentCode = "NK" } };
        var request = WebhookClient.Signed(body, HisSecret, source: "his");
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.HisSignatureHeader, request.Headers.GetValues(Workstation.Portal.Inbound.WebhookEndpoints.SignatureHeader).Single());
        request.Headers.Remove(Workstation.Portal.Inbound.WebhookEndpoints.SignatureHeader);
        var response = await Factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Waits until the feed has recorded every report.</summary>
    internal async Task<List<UploadItem>> WaitForItemsAsync(IReadOnlyCollection<string> numbers)
    {
        var factory = Service<IDbContextFactory<PortalDbContext>>();
        List<UploadItem> items = [];
        await Eventually.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
            items = await db.Set<UploadItem>().Where(x => numbers.Contains(x.ReportNumber)).ToListAsync(TestContext.Current.CancellationToken);
            return items.Count == numbers.Count;
        }, "the feed to record every report", cancellationToken: TestContext.Current.CancellationToken);
        return items;
    }

    /// <summary>Waits until the feed's cursor has passed every event stored so far (each was handled, or found to need
    /// nothing).</summary>
    public async Task WaitForFeedAsync()
    {
        var factory = Service<IDbContextFactory<PortalDbContext>>();
        var last = await Service<Workstation.Portal.Inbound.InboundEventLog>().LatestAsync(UploadFeed.Kinds, TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(async () =>
        {
            await using var read = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
            var position = await read.Set<FeedCursor>().Where(c => c.Name == UploadFeed.CursorName).Select(c => (long?)c.Position)
                .SingleOrDefaultAsync(TestContext.Current.CancellationToken) ?? 0;
            return position >= last;
        }, $"the upload feed to pass event {last}", cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Runs the given dispatchers side by side until no message is left to send (a failed one is tried again
    /// after its back-off, in real time).</summary>
    internal async Task DrainAsync(params OutboxDispatcher[] dispatchers)
    {
        var factory = Service<IDbContextFactory<PortalDbContext>>();
        await Eventually.UntilAsync(async () =>
        {
            await Task.WhenAll(dispatchers.Select(d => d.RunOnceAsync(TestContext.Current.CancellationToken)));
            await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
            // Done when nothing is left to send, except what waits behind a dead-lettered message of its key.
            return !await db.Outbox.AnyAsync(m => (m.State == OutboxStates.Pending || m.State == OutboxStates.Failed || m.State == OutboxStates.Sending)
                && !db.Set<OutboxMessage>().Any(d => d.OrderingKey == m.OrderingKey && d.State == OutboxStates.Dead), TestContext.Current.CancellationToken);
        }, "the outbox to drain", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
    }

    internal OutboxDispatcher NewDispatcher() => ActivatorUtilities.CreateInstance<OutboxDispatcher>(Factory.Services);

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }
}
