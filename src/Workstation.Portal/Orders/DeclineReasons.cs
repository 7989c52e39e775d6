namespace Workstation.Portal.Orders;

/// <summary>The national list of reasons not to recognise a result (不互认原因). Codes are stable and stored; the
/// display text comes from resources (<c>Decline.{code}</c>).</summary>
internal static class DeclineReasons
{
    /// <summary>病情变化</summary>
    public const string ConditionChanged = "CONDITION_CHANGED";

    /// <summary>检查检验结果变化快</summary>
    public const string ResultChangesFast = "RESULT_CHANGES_FAST";

    /// <summary>关键诊疗环节（如手术、输血前）</summary>
    public const string KeyStep = "KEY_STEP";

    /// <summary>急诊、抢救</summary>
    public const string Emergency = "EMERGENCY";

    /// <summary>司法鉴定、伤残鉴定等</summary>
    public const string MedicoLegal = "MEDICO_LEGAL";

    /// <summary>患者要求</summary>
    public const string PatientRequest = "PATIENT_REQUEST";

    /// <summary>其他 (free text required)</summary>
    public const string Other = "OTHER";

    public static readonly IReadOnlyList<string> All =
        [ConditionChanged, ResultChangesFast, KeyStep, Emergency, MedicoLegal, PatientRequest, Other];

    public const int FreeTextMaxLength = 200;

    /// <summary>Null when the decline is complete, else the resource key of what is missing.</summary>
    public static string? Problem(IReadOnlyCollection<string> codes, string? freeText)
    {
        if (codes.Count == 0) return "Decision.NeedReason";
        if (codes.Any(c => !All.Contains(c))) return "Decision.UnknownReason";
        if (codes.Contains(Other) && string.IsNullOrWhiteSpace(freeText)) return "Decision.NeedOtherText";
        if (freeText is { Length: > FreeTextMaxLength }) return "Decision.TextTooLong";
        return null;
    }
}

/// <summary>The two choices of the forced dialog.</summary>
internal static class DecisionChoices
{
    public const string Recognise = "recognise";
    public const string Decline = "decline";
}

/// <summary>When the check ran: adding an item (precise query) or saving the order (save-check).</summary>
internal static class CheckStages
{
    public const string Add = "add";
    public const string Save = "save";

    public static bool IsValid(string? stage) => stage is Add or Save;
}
