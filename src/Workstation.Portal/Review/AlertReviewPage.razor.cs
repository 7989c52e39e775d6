using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

public partial class AlertReviewPage
{
    [Inject] private ReviewExplorer Explorer { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IOptions<ReviewOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "from")] private string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] private string? To { get; set; }
    [SupplyParameterFromQuery(Name = "department")] private string? Department { get; set; }
    [SupplyParameterFromQuery(Name = "page")] private string? PageNumber { get; set; }
    [SupplyParameterFromQuery(Name = "late")] private bool LateOnly { get; set; }

    private ReviewFilter _filter = new();
    private IReadOnlyList<NamedCode> _departments = [];
    private ReviewPage<AlertReviewRow>? _page;
    private FilterProblem? _problem;

    private TimeSpan Offset => Options.Value.UtcOffset;

    protected override async Task OnParametersSetAsync()
    {
        _departments = await Explorer.DepartmentsAsync(CancellationToken.None);
        var (parsed, problem) = ReviewFilter.Parse(new Dictionary<string, string?> { ["from"] = From, ["to"] = To, ["department"] = Department, ["page"] = PageNumber });
        _filter = parsed;
        _page = null;
        _problem = problem;
        if (problem is not null) return;
        var (resolved, invalid) = await Explorer.ResolveAsync(parsed, CancellationToken.None);
        _problem = invalid;
        if (resolved is null) return;
        _filter = resolved.Filter;
        _page = await Explorer.AlertsAsync(resolved, LateOnly, (await Auth).User.Identity?.Name ?? "unknown", CancellationToken.None);
    }

    /// <summary>The alerts page for a filter's dates and department (links from the dashboard).</summary>
    public static string Link(ReviewFilter filter, bool lateOnly, int page = 1)
    {
        var query = new ReviewFilter { From = filter.From, To = filter.To, Department = filter.Department }.ToQueryString();
        void Add(string part) => query += (query.Length == 0 ? "?" : "&") + part;
        if (lateOnly) Add("late=true");
        if (page > 1) Add($"page={page}");
        return "/review/alerts" + query;
    }

    private Task ApplyAsync(ReviewFilter filter)
    {
        Navigation.NavigateTo(Link(filter, LateOnly));
        return Task.CompletedTask;
    }

    private Task ToggleLateAsync(bool late)
    {
        Navigation.NavigateTo(Link(_filter, late));
        return Task.CompletedTask;
    }

    private void GoToPageAsync(int page) => Navigation.NavigateTo(Link(_filter, LateOnly, page));

    private static string Since(DateTime reported, DateTime? at) => at is { } t ? ReviewFormat.Minutes(t - reported) : "—";
}
