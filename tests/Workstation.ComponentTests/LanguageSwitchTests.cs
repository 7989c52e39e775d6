using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using Workstation.Portal.Components.Layout;
using Workstation.Portal.Localization;

namespace Workstation.ComponentTests;

public sealed class LanguageSwitchTests : PortalTestContext
{
    [Fact]
    public void Interactive_switch_changes_the_circuit_culture_and_raises_on_changed()
    {
        var changed = 0;
        var cut = Show<LanguageSwitch>(p => p.Add(s => s.OnChanged, () => changed++));

        cut.Find("[data-testid=lang-en]").Click();

        Assert.True(Culture.IsEnglish);
        Assert.Equal(1, changed);
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=lang-en]").GetAttribute("aria-pressed")));
    }

    [Fact]
    public void On_a_static_page_the_switch_is_a_link_carrying_the_language()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("account/login?returnUrl=%2Fcatalogue");

        var cut = Show<LanguageSwitch>(interactive: false);

        var english = cut.Find("a[data-testid=lang-en]").GetAttribute("href")!;
        Assert.Contains("lang=en", english);
        Assert.Contains("returnUrl=%2Fcatalogue", english);
        Assert.Empty(cut.FindAll("button"));
    }
}
