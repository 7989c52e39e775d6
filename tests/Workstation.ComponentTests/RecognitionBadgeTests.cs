using Bunit;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Portal.Recognition;

namespace Workstation.ComponentTests;

public sealed class RecognitionBadgeTests : PortalTestContext
{
    private static RecognisableReport Report(string id, bool recognisable) => new(id, "lab", "L001", "血常规", "441300-001",
        "惠州市中心人民医院", DateTime.UtcNow.AddDays(-2), DateTime.UtcNow.AddDays(5), recognisable, "HR", "正常");

    [Fact]
    public void Green_with_the_count_and_clickable_when_recognisable_reports_exist()
    {
        var opened = 0;
        var state = new BadgeState(BadgeStatus.Available, 2, [Report("a", true), Report("b", true), Report("c", false)], null, null, DateTimeOffset.UtcNow);
        var cut = Show<RecognitionBadge>(p => p.Add(b => b.State, state).Add(b => b.OnOpen, () => opened++));

        var button = cut.Find("[data-testid=badge-button]");
        Assert.Contains("可互认报告 2 份", button.TextContent);
        Assert.Contains("mud-button-filled-success", button.ClassName);
        Assert.False(button.HasAttribute("disabled"));
        button.Click();
        Assert.Equal(1, opened);
    }

    [Fact]
    public void Grey_and_not_clickable_when_there_are_none()
    {
        var opened = 0;
        var state = new BadgeState(BadgeStatus.None, 0, [], null, null, DateTimeOffset.UtcNow);
        var cut = Show<RecognitionBadge>(p => p.Add(b => b.State, state).Add(b => b.OnOpen, () => opened++));

        var button = cut.Find("[data-testid=badge-button]");
        Assert.Contains("无可互认报告", button.TextContent);
        Assert.True(button.HasAttribute("disabled"));
        Assert.DoesNotContain("success", button.ClassName);
        Assert.Equal(0, opened);
    }

    [Fact]
    public void Amber_not_checked_with_the_reason_and_a_retry_when_the_platform_is_down()
    {
        var retried = 0;
        var state = new BadgeState(BadgeStatus.NotChecked, 0, [], null, PlatformFailure.Timeout, DateTimeOffset.UtcNow);
        var cut = Show<RecognitionBadge>(p => p.Add(b => b.State, state).Add(b => b.OnRetry, () => retried++));

        var button = cut.Find("[data-testid=badge-button]");
        Assert.Contains("未核验", button.TextContent);
        Assert.Contains("warning", button.ClassName);
        Assert.Contains("互认平台响应超时", cut.Find("[data-testid=badge-reason]").TextContent);
        Assert.DoesNotContain("可互认报告", cut.Markup);
        button.Click();
        Assert.Equal(1, retried);
    }

    [Fact]
    public void The_amber_hint_does_not_contradict_itself()
    {
        var state = new BadgeState(BadgeStatus.NotChecked, 0, [], null, PlatformFailure.Unavailable, DateTimeOffset.UtcNow);
        var hint = Show<RecognitionBadge>(p => p.Add(b => b.State, state)).Find("[data-testid=badge-reason]").TextContent;

        Assert.Contains("互认平台暂时无法访问", hint);
        Assert.Contains("正在自动重试", hint);
        Assert.DoesNotContain("请稍后再试", hint); // "try later yourself" beside "retrying automatically" was the contradiction
    }

    [Fact]
    public void List_group_counts_are_recognisable_reports_and_add_up_to_the_badge()
    {
        RecognisableReport Exam(string id, bool recognisable) => Report(id, recognisable) with { Kind = "exam", ItemCode = "E002", ItemName = "胸部CT" };
        IReadOnlyList<RecognisableReport> items = [Report("a", true), Report("b", false), Exam("c", true), Exam("d", true)];
        var cut = Show<RecognisableList>(p => p.Add(l => l.Items, items));

        var heads = cut.FindAll("[data-testid=group-head]");
        Assert.Equal(["1", "2"], heads.Select(h => h.GetAttribute("data-count")));
        Assert.Contains("可互认 1 份（另有已过期 1 份）", heads[0].TextContent);
        Assert.Equal(items.Count(i => i.Recognisable), heads.Sum(h => int.Parse(h.GetAttribute("data-count")!)));
    }

    [Fact]
    public void Checking_is_neither_green_nor_grey()
    {
        var cut = Show<RecognitionBadge>(p => p.Add(b => b.State, BadgeState.Checking));

        Assert.Equal("checking", cut.Find("[data-testid=recognition-badge]").GetAttribute("data-status"));
        Assert.Contains("正在查询", cut.Markup);
    }
}
