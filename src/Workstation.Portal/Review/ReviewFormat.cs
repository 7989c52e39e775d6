using System.Globalization;

namespace Workstation.Portal.Review;

/// <summary>How review figures are shown: a ratio always with its counts, durations in minutes, times local.</summary>
internal static class ReviewFormat
{
    public static string Percent(Ratio? ratio) =>
        ratio?.Value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Counts(Ratio? ratio) => ratio is null ? "" : $"{ratio.Numerator:N0} / {ratio.Denominator:N0}";

    public static string Minutes(TimeSpan? span) =>
        span is { } s ? s.TotalMinutes.ToString(s.TotalMinutes < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " min" : "—";

    public static string Local(DateTime? utc, TimeSpan offset, string format = "yyyy-MM-dd HH:mm") =>
        utc is { } t ? (DateTime.SpecifyKind(t, DateTimeKind.Utc) + offset).ToString(format, CultureInfo.InvariantCulture) : "—";

    public static string Money(decimal value) => "¥" + value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A link to the explorer for the given filter with one more condition changed.</summary>
    public static string Explorer(ReviewFilter filter, Func<ReviewFilter, ReviewFilter> change) =>
        "/review/decisions" + change(filter with { Page = 1, PageSize = ReviewFilter.DefaultPageSize }).ToQueryString();
}
