using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Review;

public partial class DecisionExplorerPage
{
    [Inject] private ReviewExplorer Explorer { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IOptions<ReviewOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "from")] private string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] private string? To { get; set; }
    [SupplyParameterFromQuery(Name = "department")] private string? Department { get; set; }
    [SupplyParameterFromQuery(Name = "doctor")] private string? Doctor { get; set; }
    [SupplyParameterFromQuery(Name = "setting")] private string? Setting { get; set; }
    [SupplyParameterFromQuery(Name = "item")] private string? Item { get; set; }
    [SupplyParameterFromQuery(Name = "institution")] private string? Institution { get; set; }
    [SupplyParameterFromQuery(Name = "outcome")] private string? Outcome { get; set; }
    [SupplyParameterFromQuery(Name = "reason")] private string? Reason { get; set; }
    [SupplyParameterFromQuery(Name = "page")] private string? PageNumber { get; set; }

    private ReviewFilter _filter = new();
    private IReadOnlyList<NamedCode> _departments = [];
    private FilterProblem? _problem;
    private ReviewPage<DecisionRow>? _decisions;
    private ReviewPage<NotCheckedRow>? _notChecked;

    private TimeSpan Offset => Options.Value.UtcOffset;

    /// <summary>The page read while prerendering, handed to the interactive render (one read and one audit entry per view).</summary>
    [PersistentState]
    public PrerenderedExplorer? Prerendered { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var (parsed, problem) = ReviewFilter.Parse(new Dictionary<string, string?>
        {
            ["from"] = From, ["to"] = To, ["department"] = Department, ["doctor"] = Doctor, ["setting"] = Setting, ["item"] = Item,
            ["institution"] = Institution, ["outcome"] = Outcome, ["reason"] = Reason, ["page"] = PageNumber,
        });
        _departments = await Explorer.DepartmentsAsync(CancellationToken.None);
        _decisions = null;
        _notChecked = null;
        _filter = parsed;
        _problem = problem;
        if (problem is not null) return;
        var (resolved, invalid) = await Explorer.ResolveAsync(parsed, CancellationToken.None);
        _problem = invalid;
        if (resolved is null) return;
        _filter = resolved.Filter;
        var key = _filter.ToQueryString(withPaging: true);
        if (Prerendered is { } restored && restored.Query == key)
        {
            (_decisions, _notChecked, Prerendered) = (restored.Decisions, restored.NotChecked, null);
            return;
        }
        var actor = (await Auth).User.Identity?.Name ?? "unknown";
        if (_filter.Outcome == ReviewOutcomes.NotChecked) _notChecked = await Explorer.NotCheckedAsync(resolved, actor, CancellationToken.None);
        else _decisions = await Explorer.DecisionsAsync(resolved, actor, CancellationToken.None);
        if (!RendererInfo.IsInteractive) Prerendered = new PrerenderedExplorer(key, _decisions, _notChecked);
    }

    private Task ApplyAsync(ReviewFilter filter)
    {
        Navigation.NavigateTo("/review/decisions" + filter.ToQueryString());
        return Task.CompletedTask;
    }

    private void GoToPageAsync(int page)
    {
        var query = _filter.ToQueryString();
        Navigation.NavigateTo($"/review/decisions{query}{(query.Length == 0 ? "?" : "&")}page={page}");
    }

    private int PageCount(int total) => Math.Max(1, (total + _filter.PageSize - 1) / _filter.PageSize);

    private string ExportUrl(string what, string format)
    {
        var query = _filter.ToQueryString();
        return $"/api/v1/review/export{query}{(query.Length == 0 ? "?" : "&")}what={what}&format={format}";
    }
}

/// <summary>What the explorer keeps from prerendering for its interactive render.</summary>
public sealed record PrerenderedExplorer(string Query, ReviewPage<DecisionRow>? Decisions, ReviewPage<NotCheckedRow>? NotChecked);
