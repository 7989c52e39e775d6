using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workstation.Portal.CdsHooks;

// The CDS Hooks 2.0 wire shapes (own records: Firely's CdsHooks types are experimental and differ from 2.0). Optional
// members are null and omitted ("null, "", [] or {} are prohibited"), except "cards": [] which says "no guidance".

/// <summary>One entry of the discovery answer.</summary>
public sealed record CdsServiceDescription(string Hook, string Title, string Description, string Id, IReadOnlyDictionary<string, string> Prefetch,
    string? UsageRequirements = null);

public sealed record CdsDiscovery(IReadOnlyList<CdsServiceDescription> Services);

public sealed record CdsResponse(IReadOnlyList<CdsCardDto> Cards);

public sealed record CdsCardDto(
    string Summary, string Indicator, CdsSource Source,
    string? Uuid = null, string? Detail = null,
    IReadOnlyList<CdsSuggestion>? Suggestions = null, string? SelectionBehavior = null,
    IReadOnlyList<CdsCoding>? OverrideReasons = null, IReadOnlyList<CdsLink>? Links = null);

public sealed record CdsSource(string Label, string? Url = null, CdsCoding? Topic = null);

public sealed record CdsSuggestion(string Label, string? Uuid = null, bool? IsRecommended = null, IReadOnlyList<CdsAction>? Actions = null);

public sealed record CdsAction(string Type, string Description, string? ResourceId = null, JsonElement? Resource = null);

public sealed record CdsLink(string Label, string Url, string Type);

public sealed record CdsCoding(string Code, string? System = null, string? Display = null);

/// <summary>Body of the feedback endpoint.</summary>
public sealed record CdsFeedbackRequest(IReadOnlyList<CdsFeedback>? Feedback);

public sealed record CdsFeedback(
    string? Card, string? Outcome, IReadOnlyList<CdsAcceptedSuggestion>? AcceptedSuggestions, CdsOverrideReason? OverrideReason,
    string? OutcomeTimestamp);

public sealed record CdsAcceptedSuggestion(string? Id);

public sealed record CdsOverrideReason(CdsCoding? Reason, string? UserComment);

/// <summary>The services and their hooks.</summary>
internal static class CdsServices
{
    public const string OrderSelect = "workstation-order-select";
    public const string OrderSign = "workstation-order-sign";

    /// <summary>The code system of the override reasons (the national decline reasons).</summary>
    public const string DeclineReasonSystem = "urn:workstation:decline-reason";

    /// <summary>Service id → (hook, order-check stage).</summary>
    public static readonly IReadOnlyDictionary<string, (string Hook, string Stage)> All = new Dictionary<string, (string, string)>
    {
        [OrderSelect] = ("order-select", Orders.CheckStages.Add),
        [OrderSign] = ("order-sign", Orders.CheckStages.Save),
    };

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
