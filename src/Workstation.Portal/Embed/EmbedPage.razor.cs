using Microsoft.AspNetCore.Components;
using Workstation.Portal.Components;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;

namespace Workstation.Portal.Embed;

/// <summary>The embedded portal for one launch: renders <see cref="EmbedPageState"/> (badge, list and report views,
/// alerts, late duplicates).</summary>
public partial class EmbedPage : IDisposable
{
    private LaunchContext? _context;

    [Inject] private DoctorSession Session { get; set; } = default!;
    [Inject] private EmbedPageState State { get; set; } = default!;
    [Inject] private DialogHost Dialogs { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "s")]
    private string? Token { get; set; }

    /// <summary>A report to open at once (the report link of a CDS Hooks card).</summary>
    [SupplyParameterFromQuery(Name = "report")]
    private string? Report { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (Token is not null && await Session.ResumeAsync(Token, CancellationToken.None)) _context = Session.Context;
        State.Changed += StateHasChanged;
    }

    protected override Task OnAfterRenderAsync(bool firstRender) =>
        // Not `firstRender`: when the session is not in this instance's memory (it was launched through another
        // instance, or this one restarted), OnInitializedAsync is still reading it from the database at the first
        // render, and the badge would never start. The state starts once, after the first render that has the context.
        _context is null || !RendererInfo.IsInteractive ? Task.CompletedTask : State.StartAsync(_context, Token, work => InvokeAsync(work), Report);

    private string LateText(OrderCheckOutcome check)
    {
        var items = string.Join("、", check.Undecided.Select(l => $"{l.ItemName}（{L["Late.Line", l.LineId]}）"));
        return check.Stage == CheckStages.Add
            ? L["Late.Draft", items, check.DraftOrderId]
            : L["Late.Saved", items, check.DraftOrderId];
    }

    private Task DecideLateAsync() =>
        State.DecideLateAsync((context, check) => DecisionDialog.ShowAsync(Dialogs, context, check, L["Decision.Title"]));

    public void Dispose() => State.Changed -= StateHasChanged;
}
