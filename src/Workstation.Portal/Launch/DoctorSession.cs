using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Launch;

/// <summary>The launch this circuit serves (scoped: one per circuit). Resumed from the opaque session token in the URL,
/// so a reload or reconnect works without any cookie and without anything clinical in the browser.</summary>
public sealed class DoctorSession(LaunchService launches, IOptionsMonitor<HisOptions> his, IJSRuntime js, ILogger<DoctorSession> logger)
{
    private IJSObjectReference? _bridge;

    public LaunchContext? Context { get; private set; }

    public string? Token { get; private set; }

    /// <summary>Exact origins of the HIS client that launched this session: the only targets of postMessage.</summary>
    public IReadOnlyList<string> HisOrigins =>
        Context is null ? [] : his.CurrentValue.Clients.FirstOrDefault(c => c.Id == Context.ClientId)?.Origins ?? [];

    public async Task<bool> ResumeAsync(string? token, CancellationToken cancellationToken)
    {
        if (Context is not null && token == Token) return true;
        Context = await launches.ResumeAsync(token, cancellationToken);
        Token = Context is null ? null : token;
        return Context is not null;
    }

    /// <summary>Posts a message to the HIS page (embed script). Safe to call before or after the circuit is interactive.</summary>
    // Versioned: a browser that kept an older bridge (it took the origins as an array) must not drop every message.
    private const string BridgeScript = "/js/portal-bridge.js?v=2";

    public async Task PostToHisAsync(string type, object payload)
    {
        try
        {
            _bridge ??= await js.InvokeAsync<IJSObjectReference>("import", BridgeScript);
            // Only strings cross: each other type passed to the circuit's JS runtime builds its serializer metadata, and
            // that of every interface it implements, again in every circuit (a list of origins: 8 more types, ~7 KB).
            // So the payload goes as JSON text made with shared options, and the origins as one space-separated string.
            await _bridge.InvokeVoidAsync("post", type, System.Text.Json.JsonSerializer.Serialize(payload, System.Text.Json.JsonSerializerOptions.Web),
                string.Join(' ', HisOrigins));
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            logger.LogDebug(ex, "Message {Type} not posted to HIS", type);
        }
    }
}
