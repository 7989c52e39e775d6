using System.ComponentModel.DataAnnotations;

namespace Workstation.Portal.Review;

/// <summary>Section <c>Review</c>: quality review settings.</summary>
internal sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>The hospital's offset from UTC (<c>Localization:UtcOffset</c>, one setting for every page): dates in
    /// filters, weeks and months are local days.</summary>
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);

    /// <summary>CL-15: a critical-risk result (tier <c>critical</c>) is notified in time when the clinical department
    /// received it within this limit of its appearance (the hospital's own rule; GP47 tiers).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CriticalLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>CL-15's limit for a significant-risk result (tier <c>significant</c>).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SignificantLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The limit of a tier (unknown tiers: the critical one).</summary>
    public TimeSpan LimitOf(string tier) => tier == Alerts.AlertTiers.Significant ? SignificantLimit : CriticalLimit;

    /// <summary>The longest range one query or export may cover.</summary>
    [Range(1, 3660)]
    public int MaxRangeDays { get; set; } = 731;

    /// <summary>How often closed days are pre-computed (and changed ones again).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PrecomputeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A range with more days than this still to compute is read from the rows in one pass.</summary>
    [Range(0, 3660)]
    public int MaxRowDays { get; set; } = 45;
}
