using Microsoft.AspNetCore.Components;
using MudBlazor;
using Workstation.Platform;
using Workstation.Portal.Components;
using Workstation.Portal.Launch;

namespace Workstation.Portal.Orders;

/// <summary>The forced 互认 / 不互认 dialog. It has no close button and ignores Escape and backdrop clicks: it closes only
/// when every line has a valid decision and the decisions are stored.</summary>
public partial class DecisionDialog
{
    /// <summary>Options that make the dialog impossible to dismiss without deciding.</summary>
    public static readonly DialogOptions Options = new()
    {
        BackdropClick = false,
        CloseOnEscapeKey = false,
        CloseButton = false,
        MaxWidth = MaxWidth.Medium,
        FullWidth = true,
    };

    private readonly Dictionary<string, LineDraft> _drafts = [];
    private bool _showErrors;
    private bool _saving;
    private string? _saveError;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private ILogger<DecisionDialog> Logger { get; set; } = default!;

    /// <summary>The launch (who decides, for which encounter).</summary>
    [Parameter, EditorRequired]
    public LaunchContext Context { get; set; } = default!;

    /// <summary>The check the lines come from.</summary>
    [Parameter, EditorRequired]
    public string CheckId { get; set; } = "";

    /// <summary>The undecided duplicate lines.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<LineCheck> Lines { get; set; } = [];

    /// <summary>Opens the dialog for the undecided lines of a check; returns the stored decisions.</summary>
    public static async Task<IReadOnlyList<DecisionSummary>> ShowAsync(DialogHost dialogs, LaunchContext context, OrderCheckOutcome outcome, string title)
    {
        var parameters = new DialogParameters<DecisionDialog>
        {
            { d => d.Context, context },
            { d => d.CheckId, outcome.CheckId },
            { d => d.Lines, outcome.Undecided.ToList() },
        };
        var reference = await dialogs.ShowAsync<DecisionDialog>(title, parameters, Options);
        var result = await reference.Result;
        return result?.Data as IReadOnlyList<DecisionSummary> ?? [];
    }

    protected override void OnParametersSet()
    {
        foreach (var line in Lines) _drafts.TryAdd(line.LineId, new LineDraft());
    }

    private void Choose(string lineId, string choice) => _drafts[lineId].Choice = choice;

    private void Toggle(string lineId, string code, bool on)
    {
        if (on) _drafts[lineId].Reasons.Add(code);
        else _drafts[lineId].Reasons.Remove(code);
    }

    private void SetText(string lineId, string? text) => _drafts[lineId].FreeText = text;

    private void RecogniseAll()
    {
        foreach (var draft in _drafts.Values) draft.Choice = DecisionChoices.Recognise;
    }

    /// <summary>Null when the line's draft is complete, else the resource key of what is missing.</summary>
    internal static string? Problem(LineDraft draft) => draft.Choice switch
    {
        null => "Decision.NeedChoice",
        DecisionChoices.Decline => DeclineReasons.Problem(draft.Reasons, draft.FreeText),
        _ => null,
    };

    private async Task SubmitAsync()
    {
        _showErrors = true;
        _saveError = null;
        if (_drafts.Values.Any(d => Problem(d) is not null)) return;
        _saving = true;
        try
        {
            var inputs = Lines.Select(l => new DecisionInput(l.LineId, _drafts[l.LineId].Choice!, _drafts[l.LineId].Reasons.ToList(), _drafts[l.LineId].FreeText)).ToList();
            var stored = await Decisions.RecordAsync(Context, CheckId, inputs, CancellationToken.None);
            Dialog.Close(DialogResult.Ok(stored));
        }
        catch (Exception ex) when (ex is OrderInputException or PlatformException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // The choices stay on screen; nothing is lost. The doctor reads what to do, the log keeps why.
            Logger.LogWarning(ex, "Decisions for check {Check} could not be saved", CheckId);
            _saveError = ex is OrderInputException ? "Decision.Rejected" : "Decision.SaveFailed";
        }
        finally
        {
            _saving = false;
        }
    }

    internal sealed class LineDraft
    {
        public string? Choice { get; set; }

        public HashSet<string> Reasons { get; } = [];

        public string? FreeText { get; set; }
    }
}
