using Microsoft.AspNetCore.Components;

namespace Workstation.Portal.Review;

public partial class ReviewFilterBar
{
    /// <summary>The filter shown (the page's current one).</summary>
    [Parameter, EditorRequired] public ReviewFilter Filter { get; set; } = new();

    /// <summary>Departments to choose from.</summary>
    [Parameter] public IReadOnlyList<NamedCode> Departments { get; set; } = [];

    /// <summary>All fields (explorer) or only dates and department (dashboard).</summary>
    [Parameter] public bool Full { get; set; }

    /// <summary>Raised with the edited filter, page reset to 1.</summary>
    [Parameter] public EventCallback<ReviewFilter> OnApply { get; set; }

    private string? _from, _to, _department, _doctor, _setting, _item, _institution, _outcome, _reason;

    protected override void OnParametersSet()
    {
        _from = Filter.From?.ToString("yyyy-MM-dd");
        _to = Filter.To?.ToString("yyyy-MM-dd");
        (_department, _doctor, _setting, _item, _institution, _outcome, _reason) =
            (Filter.Department, Filter.Doctor, Filter.Setting, Filter.Item, Filter.Institution, Filter.Outcome, Filter.Reason);
    }

    private Task ApplyAsync()
    {
        static DateOnly? Date(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d) ? d : null;
        static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        return OnApply.InvokeAsync(Filter with
        {
            From = Date(_from), To = Date(_to), Department = Clean(_department), Doctor = Clean(_doctor), Setting = Clean(_setting),
            Item = Clean(_item), Institution = Clean(_institution), Outcome = Clean(_outcome), Reason = Clean(_reason), Page = 1,
        });
    }
}
