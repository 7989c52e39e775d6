using Workstation.Portal.Demo;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Orders;
using Workstation.Portal.Review;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Review;

/// <summary>The portal (real SQLite file; PostgreSQL when WORKSTATION_REVIEW_POSTGRES holds a server connection string,
/// a fresh database dropped at the end) with generated history plus a small hand-made department, QA1, whose five
/// decisions the tests know by heart.</summary>
public sealed partial class ReviewFixture : IAsyncLifetime
{
    public const string Department = "QA1";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "workstation-it-" + Guid.NewGuid().ToString("N"));

    public SandboxHost Sandbox { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>QA1's decisions, in local June 2026: ids by position.</summary>
    public IReadOnlyList<long> Known { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        var extra = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("WORKSTATION_REVIEW_POSTGRES") is { Length: > 0 } server)
        {
            extra["Storage:Provider"] = "Postgres";
            extra["Storage:ConnectionString"] = server + ";Database=workstation_review_" + Guid.NewGuid().ToString("N")[..10];
        }
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, Sandbox, _dataDirectory, extra));
        _ = Factory.Server; // start the host: migrations and demo accounts
        var services = Factory.Services;
        await services.GetRequiredService<ReviewDemoGenerator>().GenerateAsync(600, seed: 7, CancellationToken.None);
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var rows = new[]
        {
            Decision(1, "QD1", DecisionChoices.Recognise, "", "L001", "惠州市中心人民医院", "outpatient"),
            Decision(2, "QD1", DecisionChoices.Recognise, "", "L001", "惠州市第一人民医院", "outpatient"),
            Decision(3, "QD2", DecisionChoices.Decline, DeclineReasons.Other, "E001", "惠州市中心人民医院", "emergency", "患者坚持复查"),
            Decision(4, "QD2", DecisionChoices.Decline, DeclineReasons.ConditionChanged, "L001", "惠州市中心人民医院", "inpatient"),
            Decision(5, "QD2", DecisionChoices.Recognise, "", "E001", "惠州市中心人民医院", "inpatient"),
        };
        db.Decisions.AddRange(rows);
        // Two order checks in QA1: one could not be checked (the not-checked share follows the department filter).
        db.OrderChecks.AddRange(Check(1, notChecked: false), Check(2, notChecked: true));
        await db.SaveChangesAsync();
        Known = rows.Select(r => r.Id).ToList();
    }

    private static RecognitionDecision Decision(int day, string doctor, string choice, string reasons, string item, string institution, string setting,
        string? text = null)
    {
        var decided = new DateTime(2026, 6, day, 2, 0, 0, DateTimeKind.Utc); // 10:00 local
        return new RecognitionDecision
        {
            DecisionToken = Guid.NewGuid().ToString("N"), ClientId = "qa", EncounterId = $"QA-E{day}", DraftOrderId = $"QA-O{day}", LineId = "1",
            ItemCode = item, ItemName = item == "L001" ? "血常规" : "胸部CT", ReportId = $"QA-R{day}", ReportInstitution = institution,
            ReportDate = decided.AddDays(-1), Choice = choice, ReasonCodes = reasons, FreeText = text, DoctorId = doctor,
            DoctorName = doctor == "QD1" ? "钱医生" : "孙医生", DepartmentCode = Department, DepartmentName = "质控测试科",
            PatientId = $"QA-P{day}", PatientName = "测试患者" + day, Setting = setting, Stage = CheckStages.Add, CheckId = "",
            PresentedAt = decided.AddSeconds(-30), DecidedAt = decided,
            RetainStatus = choice == DecisionChoices.Recognise ? RetainStatuses.Retained : RetainStatuses.NotApplicable,
        };
    }

    private static OrderCheck Check(int day, bool notChecked) => new()
    {
        Id = Guid.NewGuid().ToString(), ClientId = "qa", EncounterId = $"QA-E{day}", DraftOrderId = $"QA-O{day}", Stage = CheckStages.Add,
        Status = notChecked ? OrderCheckStatus.NotChecked : OrderCheckStatus.Duplicates, WasNotChecked = notChecked, Reason = notChecked ? "Timeout" : null,
        ContextJson = "{}", LinesJson = "[]", CreatedAt = new DateTime(2026, 6, day, 1, 59, 0, DateTimeKind.Utc), DepartmentCode = Department, DoctorId = "QD1",
        Setting = "outpatient", ItemCodes = ",L001,",
    };

    public HttpClient Client() =>
        Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client signed in as a seeded staff account (qc, admin, lab).</summary>
    public Task<HttpClient> SignedInAsync(string user) => PortalFixture.SignedInAsync(Factory, user);

    internal async Task<PortalDbContext> DbAsync() =>
        await Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        await using (var db = await DbAsync())
        {
            if (!db.Database.IsSqlite()) await db.Database.EnsureDeletedAsync();
        }
        await Factory.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

}
