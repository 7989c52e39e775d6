using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

/// <summary>The one critical-value page for staff: filters in the address, the indicators and the list from
/// <see cref="CriticalValueReview"/>.</summary>
public partial class AlertReviewPage
{
    [Inject] private ReviewExplorer Explorer { get; set; } = default!;
    [Inject] private CriticalValueReview Review { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IOptions<ReviewOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    // Declared so that a navigation that changes only the query (a filter, a page) sets the parameters again; the
    // filter itself is read from the whole address below.
    [SupplyParameterFromQuery(Name = "from")] private string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] private string? To { get; set; }
    [SupplyParameterFromQuery(Name = "department")] private string? Department { get; set; }
    [SupplyParameterFromQuery(Name = "tier")] private string? Tier { get; set; }
    [SupplyParameterFromQuery(Name = "state")] private string? State { get; set; }
    [SupplyParameterFromQuery(Name = "escalated")] private string? Escalated { get; set; }
    [SupplyParameterFromQuery(Name = "late")] private string? Late { get; set; }
    [SupplyParameterFromQuery(Name = "page")] private string? PageNumber { get; set; }
    [SupplyParameterFromQuery(Name = "pageSize")] private string? PageSize { get; set; }

    private CriticalValueFilter _filter = new(new ReviewFilter());
    private IReadOnlyList<NamedCode> _departments = [];
    private CriticalValuePage? _page;
    private FilterProblem? _problem;

    private ReviewOptions Limits => Options.Value;

    private TimeSpan Offset => Options.Value.UtcOffset;

    private string? EscalatedValue => _filter.Escalated switch { true => "true", false => "false", null => null };

    protected override async Task OnParametersSetAsync()
    {
        _departments = await Explorer.DepartmentsAsync(CancellationToken.None);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query)
            .ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var (parsed, problem) = CriticalValueFilter.Parse(query);
        (_filter, _page, _problem) = (parsed, null, problem);
        if (problem is not null) return;
        var (resolved, invalid) = await Explorer.ResolveAsync(parsed.Review, CancellationToken.None);
        _problem = invalid;
        if (resolved is null) return;
        _filter = parsed with { Review = resolved.Filter };
        _page = await Review.PageAsync(resolved, _filter, (await Auth).User.Identity?.Name ?? "unknown", CancellationToken.None);
    }

    /// <summary>The page for a filter (links from the dashboard).</summary>
    public static string Link(CriticalValueFilter filter) => "/review/alerts" + filter.ToQueryString(withPaging: filter.Review.Page > 1);

    /// <summary>The page for the review's dates and department; <paramref name="lateOnly"/>: only those not received in time.</summary>
    public static string Link(ReviewFilter filter, bool lateOnly) =>
        Link(new CriticalValueFilter(new ReviewFilter { From = filter.From, To = filter.To, Department = filter.Department }, LateOnly: lateOnly));

    private string ExportLink(string format)
    {
        var query = _filter with { Review = _filter.Review with { Page = 1 } };
        var q = query.ToQueryString();
        return $"/api/v1/review/critical-values/export{(q.Length == 0 ? "?" : q + "&")}format={format}";
    }

    private string DepartmentName(string code) => _departments.FirstOrDefault(d => d.Code == code)?.Name ?? code;

    private Task ApplyAsync(ReviewFilter review) => GoAsync(_filter with { Review = review with { Page = 1 } });

    private Task GoAsync(CriticalValueFilter filter)
    {
        Navigation.NavigateTo(Link(filter with { Review = filter.Review with { Page = filter.Review == _filter.Review ? 1 : filter.Review.Page } }));
        return Task.CompletedTask;
    }

    private void GoToPageAsync(int page) => Navigation.NavigateTo(Link(_filter with { Review = _filter.Review with { Page = page } }));

    private static string Since(DateTime reported, DateTime? at) => at is { } t ? ReviewFormat.Minutes(t - reported) : "—";
}
