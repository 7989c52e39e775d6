using Microsoft.Extensions.Options;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Launch;

/// <summary>The launch this circuit serves (scoped: one per circuit). Resumed from the opaque session token in the URL,
/// so a reload or reconnect works without any cookie and without anything clinical in the browser.</summary>
internal sealed class DoctorSession(LaunchService launches, IOptionsMonitor<HisOptions> his, HisPage.HisBridge bridge) : ILaunchSession
{

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
        bridge.Origins = string.Join(' ', HisOrigins); // the HIS page of this launch, and no other, hears this circuit
        return Context is not null;
    }
}

/// <summary>The launch a page serves, resumed from its session token (the seam page workflows' tests use).</summary>
internal interface ILaunchSession
{
    LaunchContext? Context { get; }

    Task<bool> ResumeAsync(string? token, CancellationToken cancellationToken);
}
