using Workstation.Portal.HisPage;

namespace Workstation.Portal.Orders;

/// <summary>An order check's lines as the HIS page is told them (<see cref="HisBridge"/>).</summary>
internal static class HisLines
{
    public static IReadOnlyList<HisLine> From(OrderCheckOutcome? outcome) =>
        outcome?.Lines.Select(l => new HisLine(l.LineId, l.ItemCode, l.ItemName, l.Duplicate,
            l.Decision is null ? null : new HisLineDecision(l.Decision.Choice, l.Decision.ReasonCodes, l.Decision.FreeText,
                l.Decision.DecisionToken, l.Decision.ReportId))).ToList() ?? [];

    /// <summary>How HIS reads a check: lines to decide, decided, or nothing found.</summary>
    public static string Status(OrderCheckOutcome check) =>
        check.Undecided.Any() ? "duplicates" : check.Lines.Any(l => l.Duplicate) ? "decided" : "clear";

    public static RecheckedMessage Rechecked(OrderCheckOutcome check) =>
        new(check.CheckId, check.DraftOrderId, check.Stage, Status(check), From(check));
}
