namespace Workstation.Portal.Review;

/// <summary>A quality officer's judgement of one recognition decision (the decision itself is never edited).
/// Marks are append-only: a later mark on the same decision supersedes the earlier one for display, both are kept.</summary>
internal sealed class ReviewMark
{
    public long Id { get; set; }

    public long DecisionId { get; set; }

    /// <summary><see cref="ReviewMarkKinds"/>.</summary>
    public string Kind { get; set; } = "";

    public string? Comment { get; set; }

    /// <summary>The reviewer's user name.</summary>
    public string Reviewer { get; set; } = "";

    public DateTime MarkedAt { get; set; }

    /// <summary>Copied from the decision so feedback can be listed per department and doctor without a join.</summary>
    public string DepartmentCode { get; set; } = "";

    public string DoctorId { get; set; } = "";

    public string DoctorName { get; set; } = "";
}

internal static class ReviewMarkKinds
{
    public const string Appropriate = "appropriate";
    public const string Questionable = "questionable";

    public static bool IsValid(string? kind) => kind is Appropriate or Questionable;

    public const int CommentMaxLength = 500;
}
