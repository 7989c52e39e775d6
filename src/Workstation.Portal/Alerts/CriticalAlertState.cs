namespace Workstation.Portal.Alerts;

/// <summary>The steps of the critical-value dialog.</summary>
internal enum CriticalAlertStep
{
    /// <summary>The doctor reads the patient, item, value and unit back, one by one.</summary>
    ReadBack,
    /// <summary>Acknowledged: the doctor records what was done.</summary>
    Handling,
    /// <summary>Handled (here, or elsewhere: the HIS page's overlay, another doctor): the dialog closes.</summary>
    Done,
}

/// <summary>One read-back item (all four are confirmed before the acknowledgement is possible).</summary>
internal enum ReadBackItem
{
    Patient,
    Item,
    Value,
    Unit,
}

/// <summary>The critical-value dialog's workflow, one per dialog: read-back of every item, acknowledgement, handling
/// with quick actions or a note. The rules and the text sent back (the read-back, the handling) are built here; the
/// dialog renders the step and forwards clicks. A click while a save is in flight does nothing (a double click saves
/// once).</summary>
internal sealed class CriticalAlertState(IAlertActions actions, ILogger<CriticalAlertState> logger)
{
    /// <summary>Quick handling actions (resource keys of their labels).</summary>
    public static readonly string[] QuickActions = ["Alert.Quick1", "Alert.Quick2", "Alert.Quick3"];

    /// <summary>The longest handling note.</summary>
    public const int NoteMaxLength = 300;

    private readonly HashSet<ReadBackItem> _confirmed = [];
    private readonly HashSet<string> _chosen = [];

    public CriticalValueAlert Alert { get; private set; } = default!;

    public string DoctorId { get; private set; } = "";

    public string DoctorName { get; private set; } = "";

    public CriticalAlertStep Step { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>Resource key of the message to show (a refusal, a failed save), or null.</summary>
    public string? ErrorKey { get; private set; }

    public string? Note { get; set; }

    public IReadOnlySet<string> Chosen => _chosen;

    public bool IsConfirmed(ReadBackItem item) => _confirmed.Contains(item);

    public bool CanAcknowledge => Step == CriticalAlertStep.ReadBack && !Busy && _confirmed.Count == Enum.GetValues<ReadBackItem>().Length;

    /// <summary>What the doctor attested by reading back, as stored with the acknowledgement.</summary>
    public string ReadBack => $"patient={Alert.PatientName}; item={Alert.ItemName}; value={Alert.Value}; unit={Alert.Unit}";

    public void Start(CriticalValueAlert alert, string doctorId, string doctorName)
    {
        (Alert, DoctorId, DoctorName) = (alert, doctorId, doctorName);
        Step = alert.Status switch
        {
            AlertStatuses.Handled => CriticalAlertStep.Done,
            AlertStatuses.Acknowledged => CriticalAlertStep.Handling,
            _ => CriticalAlertStep.ReadBack,
        };
    }

    public void Confirm(ReadBackItem item, bool confirmed)
    {
        if (confirmed) _confirmed.Add(item);
        else _confirmed.Remove(item);
    }

    public void Choose(string quickAction, bool chosen)
    {
        if (!QuickActions.Contains(quickAction)) return;
        if (chosen) _chosen.Add(quickAction);
        else _chosen.Remove(quickAction);
    }

    /// <summary>The alert changed elsewhere (another doctor, the HIS overlay, an escalation): follow it.</summary>
    public void Follow(CriticalValueAlert changed)
    {
        if (changed.Id != Alert.Id) return;
        Alert = changed;
        if (changed.Status == AlertStatuses.Handled) Step = CriticalAlertStep.Done;
        else if (changed.Status == AlertStatuses.Acknowledged && Step == CriticalAlertStep.ReadBack) Step = CriticalAlertStep.Handling;
    }

    public Task AcknowledgeAsync() => !CanAcknowledge ? Task.CompletedTask : SaveAsync(async () =>
    {
        Alert = await actions.AcknowledgeAsync(Alert.Id, DoctorId, ReadBack, CancellationToken.None);
        Step = Alert.Status == AlertStatuses.Handled ? CriticalAlertStep.Done : CriticalAlertStep.Handling;
    });

    /// <summary>Records the handling: the chosen quick actions (in <paramref name="label"/>'s words) and the note.</summary>
    public Task HandleAsync(Func<string, string> label)
    {
        if (Step != CriticalAlertStep.Handling || Busy) return Task.CompletedTask;
        var parts = QuickActions.Where(_chosen.Contains).Select(label).ToList();
        if (!string.IsNullOrWhiteSpace(Note)) parts.Add(Note.Trim().Length > NoteMaxLength ? Note.Trim()[..NoteMaxLength] : Note.Trim());
        if (parts.Count == 0)
        {
            ErrorKey = "Alert.NeedNote";
            return Task.CompletedTask;
        }
        return SaveAsync(async () =>
        {
            Alert = await actions.HandleAsync(Alert.Id, DoctorId, DoctorName, string.Join("；", parts), CancellationToken.None);
            Step = CriticalAlertStep.Done;
        });
    }

    private async Task SaveAsync(Func<Task> save)
    {
        Busy = true;
        ErrorKey = null;
        try
        {
            await save();
        }
        catch (AlertRefusedException ex)
        {
            ErrorKey = "Alert.Refused." + ex.Refusal;
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or TimeoutException)
        {
            logger.LogError(ex, "Alert {Alert}: the doctor's {Step} could not be saved", Alert.Id, Step);
            ErrorKey = "Alert.SaveFailed";
        }
        finally
        {
            Busy = false;
        }
    }
}

/// <summary>A doctor's alerts and result notices as the alert centre reads them (the seam its tests use).</summary>
internal interface IDoctorAlerts
{
    Task<IReadOnlyList<CriticalValueAlert>> OpenForAsync(string doctorId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ResultNotification>> UnreadResultsAsync(string doctorId, CancellationToken cancellationToken);

    Task MarkReadAsync(string doctorId, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}

/// <summary>What a doctor can do with an alert (the seam the dialog's tests use).</summary>
internal interface IAlertActions
{
    Task<CriticalValueAlert> AcknowledgeAsync(long alertId, string doctorId, string readBack, CancellationToken cancellationToken);

    Task<CriticalValueAlert> HandleAsync(long alertId, string doctorId, string doctorName, string note, CancellationToken cancellationToken);
}
