using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

public partial class DecisionDetailPage
{
    [Inject] private ReviewExplorer Explorer { get; set; } = default!;
    [Inject] private ReviewMarking Marking { get; set; } = default!;
    [Inject] private IOptions<ReviewOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    /// <summary>The decision id.</summary>
    [Parameter] public long Id { get; set; }

    private DecisionDetail? _detail;

    private TimeSpan Offset => Options.Value.UtcOffset;

    /// <summary>The decision read while prerendering, handed to the interactive render (one read and one audit entry per view).</summary>
    [PersistentState]
    public DecisionDetail? Prerendered { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (Prerendered is { } restored && restored.Decision.Id == Id)
        {
            (_detail, Prerendered) = (restored, null);
            return;
        }
        _detail = await Explorer.DetailAsync(Id, await ActorAsync(), CancellationToken.None);
        if (!RendererInfo.IsInteractive) Prerendered = _detail;
    }

    private async Task MarkAsync((string Kind, string? Comment) mark)
    {
        await Marking.MarkAsync(Id, mark.Kind, mark.Comment, await ActorAsync(), CancellationToken.None);
        _detail = await Explorer.DetailAsync(Id, await ActorAsync(), CancellationToken.None);
    }

    private async Task<string> ActorAsync() => (await Auth).User.Identity?.Name ?? "unknown";
}
