using Workstation.Portal.Launch;
using Workstation.Portal.Orders;

namespace Workstation.Portal.Review;

/// <summary>Outcomes the explorer lists: the two decisions, and the order checks that could not be checked.</summary>
internal static class ReviewOutcomes
{
    public const string Recognised = DecisionChoices.Recognise;
    public const string Declined = DecisionChoices.Decline;
    public const string NotChecked = OrderCheckStatus.NotChecked;

    public static readonly IReadOnlyList<string> All = [Recognised, Declined, NotChecked];
}

/// <summary>Filter of the explorer, the dashboard and the exports, as given in a query string (dates are local days,
/// <c>To</c> inclusive).</summary>
public sealed record ReviewFilter
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public string? Department { get; init; }

    public string? Doctor { get; init; }

    public string? Setting { get; init; }

    public string? Item { get; init; }

    public string? Institution { get; init; }

    public string? Outcome { get; init; }

    public string? Reason { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Reads a query string; unparsable values are kept as problems for <see cref="ReviewFilterValidator"/>.</summary>
    public static (ReviewFilter Filter, FilterProblem? Problem) Parse(IReadOnlyDictionary<string, string?> query)
    {
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        FilterProblem? problem = null;
        DateOnly? Date(string key)
        {
            if (Get(key) is not { } text) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d)) return d;
            problem ??= new FilterProblem("Review.Problem.Date", $"'{key}' must be a date written yyyy-MM-dd (it is '{text}').");
            return null;
        }
        int Number(string key, int fallback)
        {
            if (Get(key) is not { } text) return fallback;
            if (int.TryParse(text, out var n)) return n;
            problem ??= new FilterProblem("Review.Problem.Number", $"'{key}' must be a whole number (it is '{text}').");
            return fallback;
        }
        var filter = new ReviewFilter
        {
            From = Date("from"), To = Date("to"), Department = Get("department"), Doctor = Get("doctor"), Setting = Get("setting"),
            Item = Get("item"), Institution = Get("institution"), Outcome = Get("outcome"), Reason = Get("reason"),
            Page = Number("page", 1), PageSize = Number("pageSize", DefaultPageSize),
        };
        return (filter, problem);
    }

    /// <summary>The query string that reproduces this filter (links from the dashboard to the explorer).</summary>
    public string ToQueryString(bool withPaging = false)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add($"{key}={Uri.EscapeDataString(value)}");
        }
        Add("from", From?.ToString("yyyy-MM-dd"));
        Add("to", To?.ToString("yyyy-MM-dd"));
        Add("department", Department);
        Add("doctor", Doctor);
        Add("setting", Setting);
        Add("item", Item);
        Add("institution", Institution);
        Add("outcome", Outcome);
        Add("reason", Reason);
        if (withPaging)
        {
            Add("page", Page.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("pageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}

/// <summary>Why a filter is refused: a resource key for the pages and a plain English message for the API.</summary>
public sealed record FilterProblem(string Key, string Message);

/// <summary>A filter after validation: UTC bounds (end exclusive) and known values only.</summary>
internal sealed record ResolvedFilter(ReviewFilter Filter, DateTime FromUtc, DateTime ToUtc)
{
    public int Skip => (Filter.Page - 1) * Filter.PageSize;
}

/// <summary>Checks a filter before any query runs, so that every query is bounded and bad input gets a plain message.</summary>
internal static class ReviewFilterValidator
{
    /// <summary>Default range when none is given: the last 90 days up to today.</summary>
    public const int DefaultDays = 90;

    public static (ResolvedFilter? Resolved, FilterProblem? Problem) Resolve(ReviewFilter filter, DateTime utcNow, ReviewOptions options,
        Func<string, bool> departmentExists)
    {
        var today = DateOnly.FromDateTime(utcNow + options.UtcOffset);
        var to = filter.To ?? today;
        var from = filter.From ?? to.AddDays(-(DefaultDays - 1));
        if (to < from)
            return Fail("Review.Problem.EndBeforeStart", $"The end date {to:yyyy-MM-dd} is before the start date {from:yyyy-MM-dd}.");
        if (to.DayNumber - from.DayNumber + 1 > options.MaxRangeDays)
            return Fail("Review.Problem.RangeTooLong", $"The range covers {to.DayNumber - from.DayNumber + 1} days; at most {options.MaxRangeDays} days (two years) can be queried at once.");
        if (filter.PageSize is < 1 or > ReviewFilter.MaxPageSize)
            return Fail("Review.Problem.PageSize", $"pageSize must be between 1 and {ReviewFilter.MaxPageSize} (it is {filter.PageSize}).");
        if (filter.Page is < 1 or > 100_000)
            return Fail("Review.Problem.Page", $"page must be between 1 and 100000 (it is {filter.Page}).");
        if (filter.Outcome is { } outcome && !ReviewOutcomes.All.Contains(outcome))
            return Fail("Review.Problem.Outcome", $"outcome must be one of {string.Join(", ", ReviewOutcomes.All)} (it is '{outcome}').");
        if (filter.Reason is { } reason && !DeclineReasons.All.Contains(reason))
            return Fail("Review.Problem.Reason", $"reason must be one of {string.Join(", ", DeclineReasons.All)} (it is '{reason}').");
        if (filter.Setting is { } setting && !CareSettings.All.Contains(setting))
            return Fail("Review.Problem.Setting", $"setting must be outpatient, emergency or inpatient (it is '{setting}').");
        if (filter.Department is { } department && (department.Length > 32 || !departmentExists(department)))
            return Fail("Review.Problem.Department", $"No department with code '{Shorten(department)}' has any decision or critical value on record.");
        foreach (var (name, value) in new[] { ("doctor", filter.Doctor), ("item", filter.Item), ("institution", filter.Institution) })
        {
            if (value is { Length: > 80 }) return Fail("Review.Problem.TooLong", $"'{name}' is longer than 80 characters.");
        }
        var fromUtc = DateTime.SpecifyKind(from.ToDateTime(TimeOnly.MinValue) - options.UtcOffset, DateTimeKind.Utc);
        var toUtc = DateTime.SpecifyKind(to.AddDays(1).ToDateTime(TimeOnly.MinValue) - options.UtcOffset, DateTimeKind.Utc);
        return (new ResolvedFilter(filter with { From = from, To = to }, fromUtc, toUtc), null);

        static (ResolvedFilter?, FilterProblem?) Fail(string key, string message) => (null, new FilterProblem(key, message));
    }

    private static string Shorten(string value) => value.Length > 32 ? value[..32] + "…" : value;
}
