using Workstation.Portal.Review;

namespace Workstation.UnitTests.Review;

public sealed class ReviewFilterTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
    private static readonly ReviewOptions Options = new();

    private static FilterProblem? Problem(string query, bool departmentKnown = true)
    {
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => (string?)p[1]);
        var (filter, parseProblem) = ReviewFilter.Parse(pairs);
        return parseProblem ?? ReviewFilterValidator.Resolve(filter, Now, Options, _ => departmentKnown).Problem;
    }

    [Theory]
    [InlineData("from=2026-05-02&to=2026-05-01", "Review.Problem.EndBeforeStart")]
    [InlineData("from=2016-01-01&to=2026-01-01", "Review.Problem.RangeTooLong")]
    [InlineData("pageSize=1000000", "Review.Problem.PageSize")]
    [InlineData("pageSize=99999999999", "Review.Problem.Number")]
    [InlineData("pageSize=201", "Review.Problem.PageSize")]
    [InlineData("pageSize=0", "Review.Problem.PageSize")]
    [InlineData("page=0", "Review.Problem.Page")]
    [InlineData("from=yesterday", "Review.Problem.Date")]
    [InlineData("outcome=maybe", "Review.Problem.Outcome")]
    [InlineData("reason=TIRED", "Review.Problem.Reason")]
    [InlineData("setting=home", "Review.Problem.Setting")]
    public void Bad_input_gets_a_plain_problem(string query, string key)
    {
        var problem = Problem(query);

        Assert.NotNull(problem);
        Assert.Equal(key, problem.Key);
        Assert.DoesNotContain("Exception", problem.Message);
    }

    [Fact]
    public void An_unknown_department_is_refused_with_its_code_in_the_message()
    {
        var problem = Problem("department=NOPE", departmentKnown: false);

        Assert.Equal("Review.Problem.Department", problem!.Key);
        Assert.Contains("NOPE", problem.Message);
    }

    [Fact]
    public void Local_days_become_utc_bounds_with_an_exclusive_end_and_the_default_is_the_last_90_days()
    {
        var (filter, _) = ReviewFilter.Parse(new Dictionary<string, string?> { ["from"] = "2026-03-01", ["to"] = "2026-03-31" });
        var resolved = ReviewFilterValidator.Resolve(filter, Now, Options, _ => true).Resolved!;

        Assert.Equal(new DateTime(2026, 2, 28, 16, 0, 0, DateTimeKind.Utc), resolved.FromUtc);
        Assert.Equal(new DateTime(2026, 3, 31, 16, 0, 0, DateTimeKind.Utc), resolved.ToUtc);

        var (none, _) = ReviewFilter.Parse(new Dictionary<string, string?>());
        var defaults = ReviewFilterValidator.Resolve(none, Now, Options, _ => true).Resolved!;
        Assert.Equal(new DateOnly(2026, 11, 25), defaults.Filter.To);
        Assert.Equal(new DateOnly(2026, 8, 28), defaults.Filter.From);
    }

    [Fact]
    public void A_filter_round_trips_through_its_query_string()
    {
        var filter = new ReviewFilter { From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 1, 31), Department = "XNK", Outcome = "decline", Reason = "OTHER" };

        var query = filter.ToQueryString();
        var pairs = query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => (string?)Uri.UnescapeDataString(p[1]));

        Assert.Equal("?from=2026-01-01&to=2026-01-31&department=XNK&outcome=decline&reason=OTHER", query);
        Assert.Equal(filter, ReviewFilter.Parse(pairs).Filter);
    }
}
