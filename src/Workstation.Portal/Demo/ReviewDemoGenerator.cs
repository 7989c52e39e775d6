using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Portal.Alerts;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Demo;

/// <summary>What one generation wrote.</summary>
public sealed record DemoVolume(int Decisions, int Checks, int NotChecked, int Alerts, TimeSpan Took);

/// <summary>Writes a realistic year of history for demos and the benchmark: decisions across 20 departments and 200
/// doctors (each doctor with their own habit of declining), coded reasons, order checks (some not checked, most of
/// those reconciled later) and critical values with their routing steps. Deterministic for a given seed. Generated rows
/// use the HIS client id <see cref="ClientId"/> so they never mix with real encounters.</summary>
public sealed class ReviewDemoGenerator(IDbContextFactory<PortalDbContext> dbFactory, RecognitionItemCatalogue catalogue, TimeProvider time)
{
    public const string ClientId = "review-demo";
    private const int Batch = 2000;

    private static readonly (string Code, string Name, string Setting)[] Departments =
    [
        ("XNK", "心血管内科", CareSettings.Outpatient), ("HXK", "呼吸内科", CareSettings.Outpatient), ("XHK", "消化内科", CareSettings.Outpatient),
        ("SNK", "肾内科", CareSettings.Inpatient), ("NFM", "内分泌科", CareSettings.Outpatient), ("SJK", "神经内科", CareSettings.Inpatient),
        ("PWK", "普外科", CareSettings.Inpatient), ("GK", "骨科", CareSettings.Inpatient), ("MNK", "泌尿外科", CareSettings.Inpatient),
        ("XWK", "胸外科", CareSettings.Inpatient), ("SJW", "神经外科", CareSettings.Inpatient), ("FK", "妇科", CareSettings.Outpatient),
        ("CK", "产科", CareSettings.Inpatient), ("EK", "儿科", CareSettings.Outpatient), ("JZK", "急诊科", CareSettings.Emergency),
        ("ZLK", "肿瘤科", CareSettings.Inpatient), ("PFK", "皮肤科", CareSettings.Outpatient), ("YK", "眼科", CareSettings.Outpatient),
        ("EBH", "耳鼻咽喉科", CareSettings.Outpatient), ("ICU", "重症医学科", CareSettings.Inpatient),
    ];

    private static readonly string[] Institutions =
    [
        // The demo is set in Huizhou (Guangdong): the other hospitals of its recognition platform.
        "惠州市中心人民医院", "惠州市第一人民医院", "惠州市第三人民医院", "惠州市中医医院",
        "惠州市第二人民医院", "惠阳区人民医院", "博罗县人民医院", "惠东县人民医院",
    ];

    private static readonly string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢";
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "晨", "宇", "婷"];

    /// <summary>Writes <paramref name="decisions"/> decisions over the year before now.</summary>
    public async Task<DemoVolume> GenerateAsync(int decisions, int seed, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(seed);
        var now = time.GetUtcNow().UtcDateTime;
        var run = $"{seed:x}{now.Ticks % 1_000_000_000:x}";
        var items = catalogue.Items;
        var doctors = Enumerable.Range(0, Departments.Length * 10).Select(i =>
        {
            var d = Departments[i / 10];
            // Each doctor declines at their own rate (5 % to 45 %): the decline-rate tables have something to show.
            return (Id: $"G{i / 10 + 1:00}{i % 10 + 1:00}", Name: Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)],
                Department: d, DeclineRate: 0.05 + random.NextDouble() * 0.4);
        }).ToArray();
        var patients = Math.Max(50, decisions / 3);

        int written = 0, checks = 0, notChecked = 0, alerts = 0;
        while (written < decisions)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var count = Math.Min(Batch, decisions - written);
            var pendingSteps = new List<(CriticalValueAlert Alert, List<AlertStep> Steps)>();
            for (var i = 0; i < count; i++)
            {
                var n = written + i;
                var doctor = doctors[random.Next(doctors.Length)];
                var item = items[random.Next(Math.Min(items.Count, 12))];
                var patient = random.Next(patients);
                var decidedAt = LocalWorkingTime(random, now, doctor.Department.Setting);
                var presentedAt = decidedAt.AddSeconds(-random.Next(4, 90));
                var reportDate = decidedAt.AddDays(-random.NextDouble() * Math.Max(1, item.ValidityDays - 1));
                var decline = random.NextDouble() < doctor.DeclineRate;
                var checkId = Guid.NewGuid().ToString();
                var context = Context(doctor.Id, doctor.Name, doctor.Department, patient, $"{run}-{n}");
                db.OrderChecks.Add(new OrderCheck
                {
                    Id = checkId, ClientId = ClientId, EncounterId = context.EncounterId, DraftOrderId = $"O{n}", Stage = CheckStages.Add,
                    Status = OrderCheckStatus.Duplicates, ContextJson = JsonSerializer.Serialize(context),
                    LinesJson = Lines(item, duplicate: true), CreatedAt = presentedAt,
                });
                checks++;
                db.Decisions.Add(new RecognitionDecision
                {
                    DecisionToken = Guid.NewGuid().ToString("N"), ClientId = ClientId, EncounterId = context.EncounterId, DraftOrderId = $"O{n}",
                    LineId = "1", ItemCode = item.Code, ItemName = item.Name, ReportId = $"RPT-{run}-{patient}-{item.Code}-{random.Next(3)}",
                    ReportInstitution = Institutions[Math.Min(Institutions.Length - 1, (int)(random.NextDouble() * random.NextDouble() * Institutions.Length))],
                    ReportDate = reportDate, Choice = decline ? DecisionChoices.Decline : DecisionChoices.Recognise,
                    ReasonCodes = decline ? Reasons(random, doctor.Department.Setting) : "",
                    FreeText = null, DoctorId = doctor.Id, DoctorName = doctor.Name, DepartmentCode = doctor.Department.Code,
                    DepartmentName = doctor.Department.Name, PatientId = context.PatientId, PatientName = context.Patient.Name,
                    Setting = context.Setting, Stage = CheckStages.Add, CheckId = checkId, PresentedAt = presentedAt, DecidedAt = decidedAt,
                    RetainStatus = decline ? RetainStatuses.NotApplicable : RetainStatuses.Retained,
                });
                if (random.NextDouble() < 0.03)
                {
                    // Saved while the platform was down; most were re-checked later. All are older than the re-check window.
                    var at = decidedAt < now.AddDays(-2) ? decidedAt : now.AddDays(-2 - random.NextDouble());
                    var reconciled = random.NextDouble() < 0.8;
                    db.OrderChecks.Add(new OrderCheck
                    {
                        Id = Guid.NewGuid().ToString(), ClientId = ClientId, EncounterId = context.EncounterId + "-nc", DraftOrderId = $"O{n}-nc",
                        Stage = CheckStages.Save, Status = reconciled ? (random.NextDouble() < 0.2 ? OrderCheckStatus.LateDuplicates : OrderCheckStatus.Clear) : OrderCheckStatus.NotChecked,
                        Reason = random.NextDouble() < 0.5 ? "Timeout" : "Unavailable", ContextJson = JsonSerializer.Serialize(context with { EncounterId = context.EncounterId + "-nc" }),
                        LinesJson = Lines(item, duplicate: false), CreatedAt = at, RecheckedAt = reconciled ? at.AddMinutes(random.Next(1, 30)) : null,
                    });
                    checks++;
                    notChecked++;
                }
                if (random.NextDouble() < 0.02)
                {
                    pendingSteps.Add(AddAlert(db, random, context, decidedAt, $"{run}-{n}"));
                    alerts++;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            // Steps need the alert ids the first save assigned.
            foreach (var (alert, steps) in pendingSteps)
            {
                steps.ForEach(step => step.AlertId = alert.Id);
                db.AlertSteps.AddRange(steps);
            }
            await db.SaveChangesAsync(cancellationToken);
            written += count;
        }
        return new DemoVolume(written, checks, notChecked, alerts, started.Elapsed);
    }

    private static LaunchContext Context(string doctorId, string doctorName, (string Code, string Name, string Setting) department, int patient, string encounter)
    {
        var name = Surnames[patient % Surnames.Length] + Given[patient / Surnames.Length % Given.Length];
        return new LaunchContext(ClientId, doctorId, doctorName, department.Code, department.Name, $"P{patient:000000}",
            new PatientIdentity(IdTypes.ResidentIdCard, $"3301{patient:00000000000000}", name), $"E{encounter}", department.Setting);
    }

    private static string Lines(RecognitionItem item, bool duplicate) =>
        JsonSerializer.Serialize(new[] { new { LineId = "1", ItemCode = item.Code, ItemName = item.Name, Duplicate = duplicate, Reports = Array.Empty<object>(), Decision = (object?)null } });

    private static string Reasons(Random random, string setting)
    {
        var first = setting == CareSettings.Emergency && random.NextDouble() < 0.5
            ? DeclineReasons.Emergency
            : DeclineReasons.All[Math.Min(DeclineReasons.All.Count - 2, (int)(random.NextDouble() * random.NextDouble() * (DeclineReasons.All.Count - 1)))];
        return random.NextDouble() < 0.1 && first != DeclineReasons.PatientRequest ? $"{first},{DeclineReasons.PatientRequest}" : first;
    }

    /// <summary>A time in the last year, during local working hours (any hour for emergency), as UTC.</summary>
    private static DateTime LocalWorkingTime(Random random, DateTime now, string setting)
    {
        var day = now.Date.AddDays(-random.Next(0, 365));
        var hour = setting == CareSettings.Emergency ? random.Next(0, 24) : random.Next(8, 17);
        var utc = day.AddHours(hour - 8).AddMinutes(random.Next(60)).AddSeconds(random.Next(60));
        return utc > now ? now.AddMinutes(-random.Next(5, 600)) : utc;
    }

    private static (CriticalValueAlert, List<AlertStep>) AddAlert(PortalDbContext db, Random random, LaunchContext context, DateTime near, string key)
    {
        var reported = near.AddMinutes(-random.Next(30, 600));
        var notified = reported.AddSeconds(random.Next(20, 900));
        var escalation = random.NextDouble() < 0.08 ? (random.NextDouble() < 0.25 ? 2 : 1) : 0;
        var acknowledged = notified.AddSeconds(escalation > 0 ? random.Next(600, 2400) : random.Next(15, 400));
        var handled = acknowledged.AddMinutes(random.Next(2, 40));
        var alert = new CriticalValueAlert
        {
            Source = "lis", EventId = "gen-" + key, SourceRecordId = "gen-" + key, Tier = AlertTiers.Critical, PatientId = context.PatientId,
            PatientName = context.Patient.Name, EncounterId = context.EncounterId, ItemCode = "K", ItemName = "血钾", Value = "6.8", Unit = "mmol/L",
            ReferenceRange = "3.5-5.3", ReportedBy = "检验科", ReportedAt = reported, OrderingDoctorId = context.DoctorId,
            DepartmentCode = context.DepartmentCode, AccountableDoctorId = context.DoctorId, EscalationLevel = escalation,
            Status = AlertStatuses.Handled, CreatedAt = notified.AddSeconds(-1), AcknowledgedAt = acknowledged, AcknowledgedBy = context.DoctorId,
            ReadBack = $"{context.Patient.Name} 血钾 6.8 mmol/L", HandledAt = handled, HandledBy = context.DoctorId, HandlingNote = "已处理",
        };
        db.CriticalValueAlerts.Add(alert);
        var steps = new List<AlertStep> { new() { At = notified, Kind = "routed", To = context.DoctorId } };
        if (escalation > 0) steps.Add(new AlertStep { At = notified.AddMinutes(10), Kind = "escalated", To = "head" });
        if (escalation > 1) steps.Add(new AlertStep { At = notified.AddMinutes(30), Kind = "escalated", To = "medical-affairs" });
        steps.Add(new AlertStep { At = acknowledged, Kind = "acknowledged", To = context.DoctorId });
        steps.Add(new AlertStep { At = handled, Kind = "handled", To = context.DoctorId });
        return (alert, steps);
    }
}

/// <summary>Generates the demo history after start-up when <see cref="DemoOptions.ReviewHistory"/> is set (demo
/// configuration, or <c>--Demo:ReviewHistory=100000 --Demo:ReviewHistoryOnlyIfEmpty=false</c> on the command line). It runs in
/// the background so that the portal serves at once; the dashboard fills within seconds.</summary>
internal sealed class ReviewDemoSeeder(
    IOptions<DemoOptions> options, IDbContextFactory<PortalDbContext> dbFactory, ReviewDemoGenerator generator, ILogger<ReviewDemoSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.ReviewHistory <= 0) return;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            // The migrator (a hosted service registered before this one) has run: the table exists.
            if (o.ReviewHistoryOnlyIfEmpty && await db.Decisions.AnyAsync(stoppingToken)) return;
        }
        var result = await generator.GenerateAsync(o.ReviewHistory, seed: Environment.TickCount, stoppingToken);
        logger.LogWarning("Review demo history generated: {Decisions} decisions, {Checks} order checks ({NotChecked} not checked), {Alerts} critical values in {Seconds:0.0} s; this is a demo configuration",
            result.Decisions, result.Checks, result.NotChecked, result.Alerts, result.Took.TotalSeconds);
    }
}
