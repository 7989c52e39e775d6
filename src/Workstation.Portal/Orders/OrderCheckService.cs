using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workstation.Platform;
using Workstation.Platform.Catalogue;
using Workstation.Platform.Contract;
using Workstation.Portal.Hosting;
using Workstation.Portal.Launch;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Orders;

/// <summary>An order line as HIS sent it: its own line id (tied to the draft order) and the recognition item code.</summary>
public sealed record OrderLine(
    [property: Required, StringLength(64)] string LineId,
    [property: Required, StringLength(16)] string ItemCode);

/// <summary>A decision as shown back to HIS and to the dialog.</summary>
public sealed record DecisionSummary(
    string LineId, string ItemCode, string ReportId, string Choice, IReadOnlyList<string> ReasonCodes, string? FreeText,
    string DecisionToken, DateTime DecidedAt, string RetainStatus);

/// <summary>One line after the check: does it duplicate recognisable results, and has the doctor decided.</summary>
public sealed record LineCheck(
    string LineId, string ItemCode, string ItemName, bool Duplicate, IReadOnlyList<RecognisableReport> Reports, DecisionSummary? Decision)
{
    public bool Undecided => Duplicate && Decision is null;
}

/// <summary>Outcome of a check: <see cref="OrderCheckStatus"/>, and the lines.</summary>
public sealed record OrderCheckOutcome(string CheckId, string DraftOrderId, string Stage, string Status, PlatformFailure? Reason, IReadOnlyList<LineCheck> Lines, DateTime CheckedAt)
{
    /// <summary>How the check reached the portal (<see cref="CheckChannels"/>).</summary>
    public string Channel { get; init; } = CheckChannels.Portal;

    /// <summary>One-time launch code of the decision page (<c>decide?check=…</c>), stored with the check; only when asked
    /// for and some line is undecided.</summary>
    public string? DecisionCode { get; init; }

    public IEnumerable<LineCheck> Undecided => Lines.Where(l => l.Undecided);
}

/// <summary>Bad input from HIS (unknown item, malformed line): a 400 with this message, nothing stored.</summary>
public sealed class OrderInputException(string message) : Exception(message);

/// <summary>Checks order lines against the platform — precise query when adding, save-check when saving — within the
/// platform budget. When the platform is slow or down the answer is "not checked", recorded for a later re-check:
/// the doctor is never blocked silently.</summary>
public sealed class OrderCheckService(
    IRecognitionPlatform platform,
    RecognitionItemCatalogue catalogue,
    IDbContextFactory<PortalDbContext> dbFactory,
    GroupCommitWriter writer,
    ReportViews views,
    LaunchService launches,
    TimeProvider time,
    ILogger<OrderCheckService> logger) : IOrderChecks
{
    public const int MaxLines = 50;

    /// <summary>Checks the lines and stores the check (durable before it returns). With <paramref name="issueDecisionCode"/>,
    /// when some line is undecided, also a one-time launch code of the decision page, committed in the same transaction
    /// as the check (one group commit, no second write that would queue behind it); so are the rows
    /// <paramref name="companions"/> derives from the check's id and lines.</summary>
    public async Task<OrderCheckOutcome> CheckAsync(LaunchContext context, string draftOrderId, string stage,
        IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken, bool issueDecisionCode = false, string channel = CheckChannels.Portal,
        Func<string, IReadOnlyList<LineCheck>, IReadOnlyList<object>>? companions = null)
    {
        Validate(draftOrderId, stage, lines);
        var now = time.GetUtcNow().UtcDateTime;
        var check = new OrderCheck
        {
            Id = Guid.NewGuid().ToString(), ClientId = context.ClientId, EncounterId = context.EncounterId,
            DraftOrderId = draftOrderId, Stage = stage, ContextJson = JsonSerializer.Serialize(context), CreatedAt = now,
            DepartmentCode = context.DepartmentCode, DoctorId = context.DoctorId, Setting = context.Setting, ItemCodes = ItemCodeList(lines),
            Channel = channel,
        };

        IReadOnlyList<LineCheck> checkedLines;
        PlatformFailure? reason = null;
        try
        {
            Dictionary<string, IReadOnlyList<RecognisableReport>> matches;
            using (ServerTiming.Measure(ServerTiming.Platform)) matches = await FindDuplicatesAsync(context.Patient, stage, lines, cancellationToken);
            checkedLines = await AttachDecisionsAsync(context, lines, matches, cancellationToken);
            check.Status = checkedLines.Any(l => l.Duplicate) ? OrderCheckStatus.Duplicates : OrderCheckStatus.Clear;
            views.Listed(context, checkedLines.SelectMany(l => l.Reports), ListingSources.Check); // behind the answer
        }
        catch (PlatformException ex)
        {
            logger.LogWarning("Order check not done for encounter {Encounter}: {Failure} {Message}", context.EncounterId, ex.Failure, ex.Message);
            reason = ex.Failure;
            check.Status = OrderCheckStatus.NotChecked;
            check.WasNotChecked = true;
            check.Reason = ex.Failure.ToString();
            checkedLines = lines.Select(l => new LineCheck(l.LineId, l.ItemCode, ItemName(l.ItemCode), false, [], null)).ToList();
        }

        check.LinesJson = JsonSerializer.Serialize(checkedLines);
        string? code = null;
        LaunchTicket? ticket = null;
        if (issueDecisionCode && checkedLines.Any(l => l.Undecided))
            (code, ticket) = launches.NewCode(context, $"decide?check={check.Id}");
        // Rows the caller derives from the checked lines (the cards of a CDS Hooks answer) commit with the check.
        object? together = companions?.Invoke(check.Id, checkedLines) is { Count: > 0 } rows ? rows.Append(ticket).OfType<object>().ToList() : ticket;
        using (ServerTiming.Measure(ServerTiming.Store))
            await writer.InsertAsync(check, together); // durable before HIS gets the answer; batched with concurrent checks
        return new OrderCheckOutcome(check.Id, draftOrderId, stage, check.Status, reason, checkedLines, now) { DecisionCode = code, Channel = channel };
    }

    /// <summary>Loads a stored check with decisions made since; null when it does not belong to this encounter.</summary>
    Task<OrderCheckOutcome> IOrderChecks.CheckAsync(LaunchContext context, string draftOrderId, string stage, IReadOnlyList<OrderLine> lines,
        CancellationToken cancellationToken) => CheckAsync(context, draftOrderId, stage, lines, cancellationToken);

    public async Task<OrderCheckOutcome?> LoadAsync(LaunchContext context, string checkId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var check = await db.OrderChecks.AsNoTracking().SingleOrDefaultAsync(
            c => c.Id == checkId && c.ClientId == context.ClientId && c.EncounterId == context.EncounterId, cancellationToken);
        if (check is null) return null;
        var stored = JsonSerializer.Deserialize<List<LineCheck>>(check.LinesJson)!;
        var lines = stored.Select(l => new OrderLine(l.LineId, l.ItemCode)).ToList();
        var matches = stored.ToDictionary(l => l.LineId, l => l.Reports);
        var refreshed = await AttachDecisionsAsync(context, lines, matches, cancellationToken);
        Enum.TryParse<PlatformFailure>(check.Reason, out var reason);
        return new OrderCheckOutcome(check.Id, check.DraftOrderId, check.Stage, check.Status, check.Reason is null ? null : reason, refreshed, check.CreatedAt)
        {
            Channel = check.Channel,
        };
    }

    /// <summary>The lines' item codes as stored for the review's item filter: ",L001,L002,".</summary>
    public static string ItemCodeList(IEnumerable<OrderLine> lines) => "," + string.Join(",", lines.Select(l => l.ItemCode).Distinct()) + ",";

    private void Validate(string draftOrderId, string stage, IReadOnlyList<OrderLine> lines)
    {
        if (string.IsNullOrWhiteSpace(draftOrderId) || draftOrderId.Length > 64) throw new OrderInputException("draftOrderId is required (at most 64 characters).");
        if (!CheckStages.IsValid(stage)) throw new OrderInputException("stage must be 'add' or 'save'.");
        if (lines.Count == 0 || lines.Count > MaxLines) throw new OrderInputException($"an order check needs 1 to {MaxLines} lines.");
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line.LineId) || line.LineId.Length > 64) throw new OrderInputException("every line needs a lineId (at most 64 characters).");
            if (catalogue.Find(line.ItemCode) is null) throw new OrderInputException($"unknown recognition item code '{line.ItemCode}'.");
        }
        if (lines.Select(l => l.LineId).Distinct().Count() != lines.Count) throw new OrderInputException("lineId values must be unique within a check.");
    }

    private async Task<Dictionary<string, IReadOnlyList<RecognisableReport>>> FindDuplicatesAsync(
        PatientIdentity patient, string stage, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        if (stage == CheckStages.Add)
        {
            // Precise query per added item, in parallel: each is bounded by the platform budget.
            var results = await Task.WhenAll(lines.Select(async l =>
                (l.LineId, Reports: await platform.QueryAsync(new PreciseQueryRequest(patient, l.ItemCode), cancellationToken))));
            return results.ToDictionary(r => r.LineId, r => Recognisable(r.Reports));
        }
        var check = await platform.CheckOrderAsync(patient, lines.Select(l => new OrderCheckItem(l.LineId, l.ItemCode)).ToList(), cancellationToken);
        var duplicates = check.Where(c => c.Duplicate).ToList();
        if (duplicates.Count == 0) return lines.ToDictionary(l => l.LineId, _ => (IReadOnlyList<RecognisableReport>)[]);
        var list = await platform.ListAsync(patient, cancellationToken); // details of the matched reports for the dialog
        return check.ToDictionary(c => c.LineId, c => Recognisable(list.Items.Where(r => c.ReportIds.Contains(r.ReportId)).ToList()));
    }

    private static IReadOnlyList<RecognisableReport> Recognisable(IEnumerable<RecognisableReport> reports) =>
        reports.Where(r => r.Recognisable).OrderByDescending(r => r.ReportDate).ToList();

    private async Task<IReadOnlyList<LineCheck>> AttachDecisionsAsync(LaunchContext context, IReadOnlyList<OrderLine> lines,
        IReadOnlyDictionary<string, IReadOnlyList<RecognisableReport>> matches, CancellationToken cancellationToken)
    {
        if (lines.All(l => (matches.GetValueOrDefault(l.LineId) ?? []).Count == 0))
            return lines.Select(l => new LineCheck(l.LineId, l.ItemCode, ItemName(l.ItemCode), false, [], null)).ToList();
        var codes = lines.Select(l => l.ItemCode).Distinct().ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var decisions = new List<RecognitionDecision>();
        await foreach (var d in EncounterDecisions.For(db)(db, context.ClientId, context.EncounterId, codes).WithCancellation(cancellationToken))
            decisions.Add(d);
        return lines.Select(l =>
        {
            var reports = matches.GetValueOrDefault(l.LineId) ?? [];
            var decision = decisions.Where(d => d.ItemCode == l.ItemCode && reports.Any(r => r.ReportId == d.ReportId))
                .OrderByDescending(d => d.DecidedAt).FirstOrDefault();
            return new LineCheck(l.LineId, l.ItemCode, ItemName(l.ItemCode), reports.Count > 0, reports,
                decision is null ? null : ToSummary(decision));
        }).ToList();
    }

    /// <summary>Compiled once: every order check with a duplicate asks it (the decisions already made in the encounter).</summary>
    private static readonly PerModel<Func<PortalDbContext, string, string, string[], IAsyncEnumerable<RecognitionDecision>>> EncounterDecisions =
        new(() => EF.CompileAsyncQuery((PortalDbContext db, string clientId, string encounterId, string[] codes) =>
            db.Set<RecognitionDecision>().AsNoTracking()
                .Where(d => d.ClientId == clientId && d.EncounterId == encounterId && codes.Contains(d.ItemCode))));

    private string ItemName(string code) => catalogue.Find(code)?.Name ?? code;

    public static DecisionSummary ToSummary(RecognitionDecision d) => new(d.LineId, d.ItemCode, d.ReportId, d.Choice,
        d.ReasonCodes.Length == 0 ? [] : d.ReasonCodes.Split(','), d.FreeText, d.DecisionToken, d.DecidedAt, d.RetainStatus);

    public static string NewDecisionToken() =>
        "dt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
