using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Workstation.Portal.Accounts;
using Workstation.Portal.Components.Layout;

namespace Workstation.ComponentTests;

public sealed class LayoutTests : PortalTestContext
{
    public LayoutTests()
    {
        AddAuthorization().SetAuthorized("lab").SetRoles(PortalRoles.LabStaff).SetClaims(new Claim(ClaimTypes.GivenName, "李敏"));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Show<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"page\">page body</p>"))));

    [Fact]
    public void Renders_title_navigation_and_page_in_chinese_by_default()
    {
        var cut = RenderLayout();

        Assert.Equal("检查检验结果互认工作站", cut.Find("[data-testid=app-title]").TextContent);
        Assert.Contains("互认项目目录", cut.Find(".mud-navmenu").TextContent);
        Assert.Equal("page body", cut.Find("#page").TextContent);
        Assert.Equal("true", cut.Find("[data-testid=lang-zh]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Switching_to_english_relabels_the_whole_layout_and_remembers_the_choice()
    {
        var cut = RenderLayout();

        cut.Find("[data-testid=lang-en]").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Exam & Lab Result Recognition", cut.Find("[data-testid=app-title]").TextContent);
            Assert.Contains("Recognition items", cut.Find(".mud-navmenu").TextContent);
            Assert.Equal("true", cut.Find("[data-testid=lang-en]").GetAttribute("aria-pressed"));
        });
        var stored = JSInterop.VerifyInvoke("localStorage.setItem");
        Assert.Equal("workstation.ui-culture", stored.Arguments[0]);
        Assert.DoesNotContain("en", (string)stored.Arguments[1]!, StringComparison.Ordinal); // protected, not plain text
        Assert.Equal("page body", cut.Find("#page").TextContent);
    }

    [Fact]
    public void Switching_back_to_chinese_works()
    {
        var cut = RenderLayout();
        cut.Find("[data-testid=lang-en]").Click();
        cut.WaitForAssertion(() => Assert.Equal("Exam & Lab Result Recognition", cut.Find("[data-testid=app-title]").TextContent));

        cut.Find("[data-testid=lang-zh]").Click();

        cut.WaitForAssertion(() => Assert.Equal("检查检验结果互认工作站", cut.Find("[data-testid=app-title]").TextContent));
    }

    [Fact]
    public void A_stored_value_that_cannot_be_decrypted_leaves_chinese()
    {
        JSInterop.Setup<string?>("localStorage.getItem", _ => true).SetResult("not-a-protected-value");

        var cut = RenderLayout();

        cut.WaitForAssertion(() => Assert.Equal("检查检验结果互认工作站", cut.Find("[data-testid=app-title]").TextContent));
    }
}
