using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Portal.Alerts;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Review;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Demo;

/// <summary>What one generation wrote.</summary>
internal sealed record DemoVolume(int Decisions, int Checks, int NotChecked, int Alerts, TimeSpan Took)
{
    public int Listings { get; init; }
}

/// <summary>The shape of a generated history.</summary>
/// <param name="Decisions">Decisions over the year before now.</param>
/// <param name="Departments">Departments (at most 50).</param>
/// <param name="DoctorsPerDepartment">Doctors in each department.</param>
/// <param name="ListingsForDays">Listings (what the platform listed) are written for the last this many days only: the
/// days before keep the approximate recognition rate, as a hospital's history from before listings were stored.
/// Null: listings for the whole year.</param>
internal sealed record DemoHistory(int Decisions, int Departments = 20, int DoctorsPerDepartment = 10, int? ListingsForDays = 300)
{
    /// <summary>A hospital group's year (issue 20's scale demo): 1,000,000 decisions, 50 departments, 1,000 doctors.</summary>
    public static DemoHistory GroupYear(int decisions = 1_000_000) => new(decisions, 50, 20);
}

/// <summary>Writes a realistic year of history for demos and the benchmark: decisions across departments and doctors
/// (each doctor with their own habit of declining), coded reasons, the reports the platform listed (some never ordered,
/// some expired), order checks (some not checked, most of those reconciled later) and critical values with their routing
/// steps (some repeated on the same specimen, some significant-risk, a few never received). Written in batches (one
/// transaction each, marking the closed days it touched for the review's pre-computation), with progress.
/// Deterministic for a given seed. Generated rows use the HIS client id <see cref="ClientId"/> so they never mix with
/// real encounters.</summary>
internal sealed class ReviewDemoGenerator(IDbContextFactory<PortalDbContext> dbFactory, RecognitionItemCatalogue catalogue, TimeProvider time,
    IOptions<Review.ReviewOptions> reviewOptions)
{
    public const string ClientId = "review-demo";
    private const int Batch = 5000;

    private static readonly (string Code, string Name, string Setting)[] AllDepartments =
    [
        ("XNK", "心血管内科", CareSettings.Outpatient), ("HXK", "呼吸内科", CareSettings.Outpatient), ("XHK", "消化内科", CareSettings.Outpatient),
        ("SNK", "肾内科", CareSettings.Inpatient), ("NFM", "内分泌科", CareSettings.Outpatient), ("SJK", "神经内科", CareSettings.Inpatient),
        ("PWK", "普外科", CareSettings.Inpatient), ("GK", "骨科", CareSettings.Inpatient), ("MNK", "泌尿外科", CareSettings.Inpatient),
        ("XWK", "胸外科", CareSettings.Inpatient), ("SJW", "神经外科", CareSettings.Inpatient), ("FK", "妇科", CareSettings.Outpatient),
        ("CK", "产科", CareSettings.Inpatient), ("EK", "儿科", CareSettings.Outpatient), ("JZK", "急诊科", CareSettings.Emergency),
        ("ZLK", "肿瘤科", CareSettings.Inpatient), ("PFK", "皮肤科", CareSettings.Outpatient), ("YK", "眼科", CareSettings.Outpatient),
        ("EBH", "耳鼻咽喉科", CareSettings.Outpatient), ("ICU", "重症医学科", CareSettings.Inpatient),
        ("KFK", "康复医学科", CareSettings.Inpatient), ("ZYK", "中医科", CareSettings.Outpatient), ("KQK", "口腔科", CareSettings.Outpatient),
        ("GRK", "感染科", CareSettings.Inpatient), ("FSK", "风湿免疫科", CareSettings.Outpatient), ("XYK", "血液内科", CareSettings.Inpatient),
        ("LNK", "老年医学科", CareSettings.Inpatient), ("QKY", "全科医学科", CareSettings.Outpatient), ("XGW", "血管外科", CareSettings.Inpatient),
        ("SSK", "烧伤整形科", CareSettings.Inpatient), ("GDW", "肝胆外科", CareSettings.Inpatient), ("WCW", "胃肠外科", CareSettings.Inpatient),
        ("RXW", "乳腺外科", CareSettings.Outpatient), ("JZX", "甲状腺外科", CareSettings.Outpatient), ("XEW", "小儿外科", CareSettings.Inpatient),
        ("XSE", "新生儿科", CareSettings.Inpatient), ("SZK", "生殖医学科", CareSettings.Outpatient), ("TTK", "疼痛科", CareSettings.Outpatient),
        ("MZK", "麻醉科", CareSettings.Inpatient), ("JRK", "介入科", CareSettings.Inpatient), ("HYX", "核医学科", CareSettings.Outpatient),
        ("FLK", "放疗科", CareSettings.Inpatient), ("JSK", "精神心理科", CareSettings.Outpatient), ("YYK", "营养科", CareSettings.Outpatient),
        ("ZYB", "职业病科", CareSettings.Outpatient), ("GCK", "肛肠科", CareSettings.Inpatient), ("CSG", "创伤骨科", CareSettings.Emergency),
        ("JZW", "脊柱外科", CareSettings.Inpatient), ("YDY", "运动医学科", CareSettings.Outpatient), ("XXW", "心胸外科", CareSettings.Inpatient),
    ];

    private static readonly string[] Institutions =
    [
        // The demo is set in Huizhou (Guangdong): the other hospitals of its recognition platform.
        "惠州市中心人民医院", "惠州市第一人民医院", "惠州市第三人民医院", "惠州市中医医院",
        "惠州市第二人民医院", "惠阳区人民医院", "博罗县人民医院", "惠东县人民医院",
    ];

    private static readonly string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢";
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "晨", "宇", "婷"];

    /// <summary>Writes <paramref name="decisions"/> decisions over the year before now (20 departments, 200 doctors).</summary>
    public Task<DemoVolume> GenerateAsync(int decisions, int seed, CancellationToken cancellationToken) =>
        GenerateAsync(new DemoHistory(decisions), seed, null, cancellationToken);

    /// <summary>Writes the history; <paramref name="progress"/> hears the decisions written after each batch.</summary>
    public async Task<DemoVolume> GenerateAsync(DemoHistory history, int seed, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(seed);
        var now = time.GetUtcNow().UtcDateTime;
        var offset = reviewOptions.Value.UtcOffset;
        var today = DateOnly.FromDateTime(now + offset);
        var listingsFrom = history.ListingsForDays is { } days ? now.AddDays(-days) : DateTime.MinValue;
        var run = $"{seed:x}{now.Ticks % 1_000_000_000:x}";
        var items = catalogue.Items;
        var departments = AllDepartments.Take(Math.Clamp(history.Departments, 1, AllDepartments.Length)).ToArray();
        var perDepartment = Math.Max(1, history.DoctorsPerDepartment);
        var doctors = Enumerable.Range(0, departments.Length * perDepartment).Select(i =>
        {
            var d = departments[i / perDepartment];
            // Each doctor declines at their own rate (5 % to 45 %): the decline-rate tables have something to show.
            return (Id: $"G{i / perDepartment + 1:00}{i % perDepartment + 1:000}", Name: Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)],
                Department: d, DeclineRate: 0.05 + random.NextDouble() * 0.4);
        }).ToArray();
        var patients = Math.Max(50, history.Decisions / 3);

        int written = 0, checks = 0, notChecked = 0, alerts = 0, listings = 0;
        // The review's pre-computed days are kept honest by the change marks this generator writes itself, per batch.
        using var bulk = Review.ReviewChangeMarks.Suppress();
        while (written < history.Decisions)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var count = Math.Min(Batch, history.Decisions - written);
            var pendingSteps = new List<(CriticalValueAlert Alert, List<AlertStep> Steps)>();
            var touched = new HashSet<DateOnly>();
            // The bulk of the rows go in with multi-row INSERTs (BulkInsert); the few alerts and their steps through EF.
            var checkRows = new List<OrderCheck>(count + count / 20);
            var decisionRows = new List<RecognitionDecision>(count);
            var listingRows = new List<ListedReport>(count + count / 3);
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
                var institution = Institutions[Math.Min(Institutions.Length - 1, (int)(random.NextDouble() * random.NextDouble() * Institutions.Length))];
                var reportId = $"RPT-{run}-{patient}-{item.Code}-{random.Next(3)}";
                touched.Add(DateOnly.FromDateTime(decidedAt + offset));
                checkRows.Add(Check(checkId, context, $"O{n}", CheckStages.Add, OrderCheckStatus.Duplicates, item, presentedAt, duplicate: true));
                checks++;
                decisionRows.Add(new RecognitionDecision
                {
                    DecisionToken = Guid.NewGuid().ToString("N"), ClientId = ClientId, EncounterId = context.EncounterId, DraftOrderId = $"O{n}",
                    LineId = "1", ItemCode = item.Code, ItemName = item.Name, ReportId = reportId, ReportInstitution = institution,
                    ReportDate = reportDate, Choice = decline ? DecisionChoices.Decline : DecisionChoices.Recognise,
                    ReasonCodes = decline ? Reasons(random, doctor.Department.Setting) : "",
                    FreeText = null, DoctorId = doctor.Id, DoctorName = doctor.Name, DepartmentCode = doctor.Department.Code,
                    DepartmentName = doctor.Department.Name, PatientId = context.PatientId, PatientName = context.Patient.Name,
                    Setting = context.Setting, Stage = CheckStages.Add, CheckId = checkId, PresentedAt = presentedAt, DecidedAt = decidedAt,
                    RetainStatus = decline ? RetainStatuses.NotApplicable : RetainStatuses.Retained,
                });
                if (presentedAt >= listingsFrom)
                {
                    // What the badge listed when the encounter opened: the ordered report, and sometimes one never
                    // ordered (it counts in goal 10's denominator only) or an expired one (it counts nowhere).
                    var listedAt = presentedAt.AddMinutes(-random.Next(1, 30));
                    listingRows.Add(Listing(context, reportId, item, institution, reportDate, listedAt, recognisable: true));
                    listings++;
                    if (random.NextDouble() < 0.25)
                    {
                        var other = items[random.Next(Math.Min(items.Count, 12))];
                        var expired = random.NextDouble() < 0.2;
                        listingRows.Add(Listing(context, $"RPT-{run}-{patient}-{other.Code}-x{random.Next(3)}", other, institution,
                            listedAt.AddDays(-(expired ? other.ValidityDays + 3 : 1)), listedAt, recognisable: !expired));
                        listings++;
                    }
                    touched.Add(DateOnly.FromDateTime(listedAt + offset));
                }
                if (random.NextDouble() < 0.03)
                {
                    // Saved while the platform was down; most were re-checked later. All are older than the re-check window.
                    var at = decidedAt < now.AddDays(-2) ? decidedAt : now.AddDays(-2 - random.NextDouble());
                    var reconciled = random.NextDouble() < 0.8;
                    var check = Check(Guid.NewGuid().ToString(), context with { EncounterId = context.EncounterId + "-nc" }, $"O{n}-nc", CheckStages.Save,
                        reconciled ? (random.NextDouble() < 0.2 ? OrderCheckStatus.LateDuplicates : OrderCheckStatus.Clear) : OrderCheckStatus.NotChecked,
                        item, at, duplicate: false);
                    check.WasNotChecked = true;
                    check.Reason = random.NextDouble() < 0.5 ? "Timeout" : "Unavailable";
                    check.RecheckedAt = reconciled ? at.AddMinutes(random.Next(1, 30)) : null;
                    checkRows.Add(check);
                    touched.Add(DateOnly.FromDateTime(at + offset));
                    checks++;
                    notChecked++;
                }
                if (random.NextDouble() < 0.02)
                {
                    var (alert, steps) = AddAlert(db, random, context, decidedAt, $"{run}-{n}", specimen: $"S{run}-{n}");
                    pendingSteps.Add((alert, steps));
                    alerts++;
                    if (random.NextDouble() < 0.1)
                    {
                        // The lab repeats the result on the same specimen: one critical value in the national indicators.
                        pendingSteps.Add(AddAlert(db, random, context, alert.ReportedAt.AddMinutes(random.Next(5, 40)), $"{run}-{n}-r", specimen: alert.SpecimenId));
                        alerts++;
                    }
                }
            }
            foreach (var day in touched.Where(d => d < today)) db.ReviewChangedDays.Add(new Review.ReviewChangedDay { Day = day, At = now });
            // One transaction per batch: a batch is there whole or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await BulkInsert.InsertAsync(db, checkRows, cancellationToken);
            await BulkInsert.InsertAsync(db, decisionRows, cancellationToken);
            await BulkInsert.InsertAsync(db, listingRows, cancellationToken);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            // Steps need the alert ids the first save assigned.
            foreach (var (alert, steps) in pendingSteps)
            {
                steps.ForEach(step => step.AlertId = alert.Id);
                db.AlertSteps.AddRange(steps);
            }
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            written += count;
            progress?.Report(written);
            // SQLite: fold the write-ahead log into the database every 100,000 decisions, so that it does not grow to
            // gigabytes while readers (the pre-computation, the dashboard) keep it from restarting.
            if (written % 100_000 < Batch && db.Database.IsSqlite())
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        }
        return new DemoVolume(written, checks, notChecked, alerts, started.Elapsed) { Listings = listings };
    }

    private static OrderCheck Check(string id, LaunchContext context, string draft, string stage, string status, RecognitionItem item, DateTime at, bool duplicate) => new()
    {
        Id = id, ClientId = ClientId, EncounterId = context.EncounterId, DraftOrderId = draft, Stage = stage, Status = status,
        ContextJson = JsonSerializer.Serialize(context), LinesJson = Lines(item, duplicate), CreatedAt = at,
        DepartmentCode = context.DepartmentCode, DoctorId = context.DoctorId, Setting = context.Setting, ItemCodes = "," + item.Code + ",",
    };

    private static ListedReport Listing(LaunchContext context, string reportId, RecognitionItem item, string institution, DateTime reportDate,
        DateTime listedAt, bool recognisable) => new()
    {
        ClientId = ClientId, EncounterId = context.EncounterId, PatientId = context.PatientId, ReportId = reportId, ItemCode = item.Code,
        Institution = institution, ReportDate = reportDate, ValidUntil = reportDate.AddDays(item.ValidityDays), Recognisable = recognisable,
        ListedAt = listedAt, DoctorId = context.DoctorId, DepartmentCode = context.DepartmentCode, Setting = context.Setting, Source = ListingSources.Badge,
    };
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

    private static (CriticalValueAlert, List<AlertStep>) AddAlert(PortalDbContext db, Random random, LaunchContext context, DateTime near, string key,
        string specimen)
    {
        var reported = near.AddMinutes(-random.Next(30, 600));
        var neverReceived = random.NextDouble() < 0.01;
        var notified = reported.AddSeconds(random.Next(20, 900));
        var escalation = random.NextDouble() < 0.08 ? (random.NextDouble() < 0.25 ? 2 : 1) : 0;
        var acknowledged = notified.AddSeconds(escalation > 0 ? random.Next(600, 2400) : random.Next(15, 400));
        var handled = acknowledged.AddMinutes(random.Next(2, 40));
        var alert = new CriticalValueAlert
        {
            Source = "lis", EventId = "gen-" + key, SourceRecordId = "gen-" + key, SpecimenId = specimen,
            Tier = random.NextDouble() < 0.2 ? AlertTiers.Significant : AlertTiers.Critical, PatientId = context.PatientId,
            PatientName = context.Patient.Name, EncounterId = context.EncounterId, ItemCode = "K", ItemName = "血钾", Value = "6.8", Unit = "mmol/L",
            ReferenceRange = "3.5-5.3", ReportedBy = "检验科", ReportedAt = reported, OrderingDoctorId = context.DoctorId,
            DepartmentCode = context.DepartmentCode, AccountableDoctorId = context.DoctorId, EscalationLevel = escalation,
            Status = AlertStatuses.Handled, CreatedAt = notified.AddSeconds(-1), AcknowledgedAt = acknowledged, AcknowledgedBy = context.DoctorId,
            ReadBack = $"{context.Patient.Name} 血钾 6.8 mmol/L", HandledAt = handled, HandledBy = context.DoctorId, HandlingNote = "已处理",
        };
        if (neverReceived)
        {
            // Escalated to medical affairs and still open: it counts against CL-14 and CL-15.
            (alert.Status, alert.AcknowledgedAt, alert.AcknowledgedBy, alert.ReadBack, alert.HandledAt, alert.HandledBy, alert.HandlingNote, alert.EscalationLevel) =
                (AlertStatuses.Open, null, null, null, null, null, null, 2);
        }
        db.CriticalValueAlerts.Add(alert);
        var steps = new List<AlertStep> { new() { At = notified, Kind = "routed", To = context.DoctorId } };
        if (alert.EscalationLevel > 0) steps.Add(new AlertStep { At = notified.AddMinutes(10), Kind = "escalated", To = "head" });
        if (alert.EscalationLevel > 1) steps.Add(new AlertStep { At = notified.AddMinutes(30), Kind = "escalated", To = "medical-affairs" });
        if (neverReceived) return (alert, steps);
        steps.Add(new AlertStep { At = acknowledged, Kind = "acknowledged", To = context.DoctorId });
        steps.Add(new AlertStep { At = handled, Kind = "handled", To = context.DoctorId });
        return (alert, steps);
    }
}

/// <summary>Generates the demo history after start-up when <see cref="DemoOptions.ReviewHistory"/> is set (demo
/// configuration, or <c>--Demo:ReviewHistory=100000 --Demo:ReviewHistoryOnlyIfEmpty=false</c> on the command line). It runs in
/// the background so that the portal serves at once; the dashboard fills within seconds.</summary>
internal sealed class ReviewDemoSeeder(
    IOptions<DemoOptions> options, IDbContextFactory<PortalDbContext> dbFactory, ReviewDemoGenerator generator, Review.ReviewPrecomputer precomputer,
    ILogger<ReviewDemoSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.ReviewHistory <= 0) return;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            // The migrator (a hosted service registered before this one) has run: the table exists.
            if (o.ReviewHistoryOnlyIfEmpty && await OrderQueries.Decisions(db).AnyAsync(stoppingToken)) return;
        }
        var result = await generator.GenerateAsync(o.ReviewHistory >= 200_000 ? DemoHistory.GroupYear(o.ReviewHistory) : new DemoHistory(o.ReviewHistory),
            seed: Environment.TickCount, new Progress<int>(n => logger.LogInformation("Review demo history: {Written:N0} of {Total:N0} decisions written", n, o.ReviewHistory)),
            stoppingToken);
        precomputer.Wake();
        logger.LogWarning("Review demo history generated: {Decisions} decisions, {Listings} listings, {Checks} order checks ({NotChecked} not checked), {Alerts} critical values in {Seconds:0.0} s; this is a demo configuration",
            result.Decisions, result.Listings, result.Checks, result.NotChecked, result.Alerts, result.Took.TotalSeconds);
    }
}
