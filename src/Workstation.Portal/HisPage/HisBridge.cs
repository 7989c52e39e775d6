using System.Text.Json;
using Microsoft.JSInterop;

namespace Workstation.Portal.HisPage;

/// <summary>Every message the portal sends the HIS page around it (workstation-embed.js; docs/embedding.md), one typed
/// method each, through one circuit-scoped bridge. Messages go only to the exact origins of the HIS client that launched
/// the session; one that cannot be posted (the page going away) is logged and dropped: HIS asks again with
/// <c>orders/validate</c>, never relying on a message.</summary>
internal sealed class HisBridge(IJSRuntime js, ILogger<HisBridge> logger)
{
    // Versioned: a browser that kept an older bridge (it took the origins as an array) must not drop every message.
    private const string BridgeScript = "/js/portal-bridge.js?v=2";
    private IJSObjectReference? _script;

    /// <summary>The HIS page's exact origins, space separated (set when the launch is resumed); empty: nothing is sent.</summary>
    public string Origins { get; set; } = "";

    /// <summary>The badge page is live (<c>ws:ready</c>).</summary>
    public Task ReadyAsync(string? session, string status, int count) => PostAsync("ws:ready", new ReadyMessage(session, status, count));

    /// <summary>The badge changed (<c>ws:badge</c>).</summary>
    public Task BadgeAsync(string status, int count) => PostAsync("ws:badge", new BadgeMessage(status, count));

    /// <summary>A duplicate needs the doctor's decision: HIS keeps the overlay open (<c>ws:decision-required</c>).</summary>
    public Task DecisionRequiredAsync(string? request, string checkId) => PostAsync("ws:decision-required", new DecisionRequiredMessage(request, checkId));

    /// <summary>The outcome of an order check, with every line (<c>ws:check-result</c>).</summary>
    public Task CheckResultAsync(CheckResultMessage message) => PostAsync("ws:check-result", message);

    /// <summary>An order checked while the platform was down was checked again (<c>ws:rechecked</c>).</summary>
    public Task RecheckedAsync(RecheckedMessage message) => PostAsync("ws:rechecked", message);

    /// <summary>The critical-value page HIS opened has nothing left to do (<c>ws:alert-closed</c>).</summary>
    public Task AlertClosedAsync(long id, string status) => PostAsync("ws:alert-closed", new AlertClosedMessage(id, status));

    private async Task PostAsync<T>(string type, T payload)
    {
        if (Origins.Length == 0) return;
        try
        {
            _script ??= await js.InvokeAsync<IJSObjectReference>("import", BridgeScript);
            // Only strings cross: each other type passed to the circuit's JS runtime builds its serializer metadata, and
            // that of every interface it implements, again in every circuit. So the payload goes as JSON text made with
            // shared options, and the origins as one space-separated string.
            await _script.InvokeVoidAsync("post", type, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web), Origins);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            logger.LogDebug(ex, "Message {Type} not posted to HIS", type);
        }
    }
}

internal sealed record ReadyMessage(string? Session, string Status, int Count);

internal sealed record BadgeMessage(string Status, int Count);

internal sealed record DecisionRequiredMessage(string? Request, string CheckId);

internal sealed record AlertClosedMessage(long Id, string Status);

/// <summary><c>status</c>: duplicates | decided | clear | not-checked; <c>reason</c> why not checked.</summary>
internal sealed record CheckResultMessage(string? Request, string Status, string? Reason, string? CheckId, IReadOnlyList<HisLine> Lines);

/// <summary><c>status</c>: duplicates | decided | clear.</summary>
internal sealed record RecheckedMessage(string CheckId, string DraftOrderId, string Stage, string Status, IReadOnlyList<HisLine> Lines);

/// <summary>An order line as HIS marks it, the same shape in a check result and in a re-check.</summary>
internal sealed record HisLine(string LineId, string ItemCode, string ItemName, bool Duplicate, HisLineDecision? Decision);

/// <summary>The doctor's decision on a line, as HIS keeps it with the order.</summary>
internal sealed record HisLineDecision(string Choice, IReadOnlyList<string> ReasonCodes, string? FreeText, string DecisionToken, string ReportId);
