using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Review;

/// <summary>Section <c>Review</c>: quality review settings.</summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>The hospital's offset from UTC (<c>Localization:UtcOffset</c>, one setting for every page): dates in
    /// filters, weeks and months are local days.</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A critical value is notified in time when the accountable clinician received it within this limit of the
    /// report (the lab's 危急值通报及时率).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00")]
    public TimeSpan CriticalNotifyLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest range one query or export may cover.</summary>
    [Range(1, 3660)]
    public int MaxRangeDays { get; set; } = 731;

}
