namespace Workstation.Portal.Orders;

/// <summary>An order line as the portal reports it to the HIS page (postMessage), the same shape for a check result and
/// for a re-check after an outage.</summary>
public sealed record HisLineMessage(string LineId, string ItemCode, string ItemName, bool Duplicate, HisDecisionMessage? Decision)
{
    public static IReadOnlyList<HisLineMessage> From(OrderCheckOutcome? outcome) =>
        outcome?.Lines.Select(l => new HisLineMessage(l.LineId, l.ItemCode, l.ItemName, l.Duplicate,
            l.Decision is null ? null : new HisDecisionMessage(l.Decision.Choice, l.Decision.ReasonCodes, l.Decision.FreeText,
                l.Decision.DecisionToken, l.Decision.ReportId))).ToList() ?? [];
}

/// <summary>The doctor's decision on a line, as HIS keeps it with the order.</summary>
public sealed record HisDecisionMessage(string Choice, IReadOnlyList<string> ReasonCodes, string? FreeText, string DecisionToken, string ReportId);
