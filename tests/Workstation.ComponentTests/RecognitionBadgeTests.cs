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
    public void Checking_is_neither_green_nor_grey()
    {
        var cut = Show<RecognitionBadge>(p => p.Add(b => b.State, BadgeState.Checking));

        Assert.Equal("checking", cut.Find("[data-testid=recognition-badge]").GetAttribute("data-status"));
        Assert.Contains("正在查询", cut.Markup);
    }
}
