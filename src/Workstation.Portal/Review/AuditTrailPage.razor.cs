using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

public partial class AuditTrailPage
{
    [Inject] private AuditLog Audit { get; set; } = default!;
    [Inject] private IOptions<ReviewOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    private string? _from, _to, _actor, _action;
    private ReviewPage<AuditRow>? _page;
    private FilterProblem? _problem;

    private TimeSpan Offset => Options.Value.UtcOffset;

    protected override Task OnInitializedAsync() => LoadAsync(1);

    private async Task LoadAsync(int page)
    {
        static DateOnly? Date(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d) ? d : null;
        static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var filter = new AuditFilter(Date(_from), Date(_to), Clean(_actor), Clean(_action), page);
        var (from, to, problem) = Audit.Resolve(filter);
        _problem = problem;
        if (problem is not null) return;
        _page = await Audit.ListAsync(filter, from, to, (await Auth).User.Identity?.Name ?? "unknown", CancellationToken.None);
    }
}
