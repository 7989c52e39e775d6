using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

public partial class ReviewDashboardPage
{
    [Inject] private ReviewExplorer Decisions { get; set; } = default!;
    [Inject] private ReviewMarking Marking { get; set; } = default!;
    [Inject] private ReviewSummaryService Summaries { get; set; } = default!;
    [Inject] private AuditLog Audit { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IOptions<ReviewOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "from")] private string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] private string? To { get; set; }
    [SupplyParameterFromQuery(Name = "department")] private string? Department { get; set; }

    private ReviewFilter _filter = new();
    private IReadOnlyList<NamedCode> _departments = [];
    private IReadOnlyList<MarkTally> _tallies = [];
    private ReviewSummary? _summary;
    private FilterProblem? _problem;

    /// <summary>The view prerendering already audited, handed to the interactive render so that one page view is audited
    /// once, not twice. Only the query travels: the figures (a year's trend and reasons) would outgrow the circuit's
    /// 32 KB start message, and the interactive render reads them from the summary cache.</summary>
    [PersistentState]
    public PrerenderedDashboard? Prerendered { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _departments = await Decisions.DepartmentsAsync(CancellationToken.None);
        var (parsed, problem) = ReviewFilter.Parse(new Dictionary<string, string?> { ["from"] = From, ["to"] = To, ["department"] = Department });
        _filter = parsed;
        _summary = null;
        _problem = problem;
        if (problem is not null) return;
        var (resolved, invalid) = await Decisions.ResolveAsync(parsed, CancellationToken.None);
        _problem = invalid;
        if (resolved is null) return;
        _filter = resolved.Filter;
        var key = _filter.ToQueryString();
        _summary = await Summaries.SummarizeAsync(resolved, CancellationToken.None);
        _tallies = await Marking.MarkTalliesAsync(_filter.Department, CancellationToken.None);
        if (Prerendered is { } restored && restored.Query == key)
        {
            Prerendered = null; // later navigations are views of their own
            return;
        }
        await Audit.RecordSummaryViewAsync((await Auth).User.Identity?.Name ?? "unknown", key, CancellationToken.None);
        if (!RendererInfo.IsInteractive) Prerendered = new PrerenderedDashboard(key);
    }

    private Task ApplyAsync(ReviewFilter filter)
    {
        Navigation.NavigateTo("/review" + filter.ToQueryString());
        return Task.CompletedTask;
    }

    private string Explorer(Func<ReviewFilter, ReviewFilter> change) => ReviewFormat.Explorer(_filter, change);
}

/// <summary>What the dashboard keeps from prerendering for its interactive render: the view already audited.</summary>
public sealed record PrerenderedDashboard(string Query);
