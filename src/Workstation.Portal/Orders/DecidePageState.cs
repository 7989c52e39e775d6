using System.Text.Json;
using Workstation.Portal.HisPage;
using Workstation.Portal.Launch;

namespace Workstation.Portal.Orders;

/// <summary>Where the decide page (the full-window overlay HIS opens for an order) is.</summary>
public enum DecideStep
{
    /// <summary>Asking the platform.</summary>
    Checking,
    /// <summary>The launch session is unknown or expired.</summary>
    Expired,
    /// <summary>HIS sent an order the portal cannot read (the log says why; HIS proceeds as not checked).</summary>
    Invalid,
    /// <summary>The platform could not be asked: HIS proceeds, the check is recorded and re-checked later.</summary>
    NotChecked,
    /// <summary>No line duplicates a recognisable result.</summary>
    Clear,
    /// <summary>The decision dialog is open.</summary>
    Deciding,
    /// <summary>Every duplicate line is decided.</summary>
    Decided,
}

/// <summary>The decide page's workflow: resume the launch, check the order (or load a stored check), show the forced
/// decision when a line duplicates a recognisable result, and tell the HIS page the outcome with every line. One run
/// per page, whatever the render sequence.</summary>
internal sealed class DecidePageState(ILaunchSession session, IOrderChecks checks, HisBridge his, ILogger<DecidePageState> logger)
{
    private bool _started;

    public DecideStep Step { get; private set; } = DecideStep.Checking;

    /// <summary>What HIS asked: a stored check, or a draft order to check.</summary>
    public sealed record Request(string? Token, string? CheckId, string? DraftOrderId, string? Stage, string? ItemsJson, string? RequestId);

    /// <summary>Runs the page once. <paramref name="decide"/> shows the decision dialog and returns when the doctor has
    /// decided every line; <paramref name="changed"/> renders the page.</summary>
    public async Task RunAsync(Request request, Func<LaunchContext, OrderCheckOutcome, Task> decide, Action changed)
    {
        if (_started) return;
        _started = true;
        if (!await session.ResumeAsync(request.Token, CancellationToken.None))
        {
            await FinishAsync(DecideStep.Expired, "not-checked", "SessionExpired", null, request.RequestId, changed);
            return;
        }
        var context = session.Context!;
        OrderCheckOutcome? outcome;
        try
        {
            outcome = request.CheckId is not null
                ? await checks.LoadAsync(context, request.CheckId, CancellationToken.None)
                : await checks.CheckAsync(context, request.DraftOrderId ?? "", request.Stage ?? CheckStages.Add, ParseItems(request.ItemsJson), CancellationToken.None);
        }
        catch (OrderInputException ex)
        {
            logger.LogWarning(ex, "HIS sent an order the portal cannot read ({Problem}); HIS was told not-checked", ex.Message);
            await FinishAsync(DecideStep.Invalid, "not-checked", "InvalidOrder", null, request.RequestId, changed);
            return;
        }
        if (outcome is null)
        {
            await FinishAsync(DecideStep.Expired, "not-checked", "UnknownCheck", null, request.RequestId, changed);
            return;
        }
        var decidedNow = false;
        if (outcome.Undecided.Any())
        {
            Step = DecideStep.Deciding;
            changed();
            await his.DecisionRequiredAsync(request.RequestId, outcome.CheckId);
            await decide(context, outcome);
            outcome = await checks.LoadAsync(context, outcome.CheckId, CancellationToken.None) ?? outcome;
            decidedNow = true;
        }
        var status = outcome.Status == OrderCheckStatus.NotChecked ? "not-checked"
            : decidedNow || outcome.Lines.Any(l => l.Decision is not null) ? "decided" : "clear";
        var step = status switch { "not-checked" => DecideStep.NotChecked, "decided" => DecideStep.Decided, _ => DecideStep.Clear };
        await FinishAsync(step, status, outcome.Reason?.ToString(), outcome, request.RequestId, changed);
    }

    private async Task FinishAsync(DecideStep step, string status, string? reason, OrderCheckOutcome? outcome, string? requestId, Action changed)
    {
        Step = step;
        changed();
        await his.CheckResultAsync(new CheckResultMessage(requestId, status, reason, outcome?.CheckId, HisLines.From(outcome)));
    }

    /// <summary>The order lines HIS put in the URL: a JSON array of <c>{ lineId, itemCode }</c>.</summary>
    public static IReadOnlyList<OrderLine> ParseItems(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) throw new OrderInputException("items are required.");
        try
        {
            return JsonSerializer.Deserialize<List<OrderLine>>(json, JsonSerializerOptions.Web) ?? [];
        }
        catch (JsonException)
        {
            throw new OrderInputException("items must be a JSON array of { lineId, itemCode }.");
        }
    }
}

/// <summary>Order checks as the decide page needs them (the seam its tests use).</summary>
internal interface IOrderChecks
{
    Task<OrderCheckOutcome?> LoadAsync(LaunchContext context, string checkId, CancellationToken cancellationToken);

    Task<OrderCheckOutcome> CheckAsync(LaunchContext context, string draftOrderId, string stage, IReadOnlyList<OrderLine> lines,
        CancellationToken cancellationToken);
}
