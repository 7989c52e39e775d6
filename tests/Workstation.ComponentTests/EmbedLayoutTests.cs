using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Workstation.Portal.Components;
using Workstation.Portal.Embed;

namespace Workstation.ComponentTests;

public sealed class EmbedLayoutTests : PortalTestContext
{
    [Fact]
    public void The_dialog_provider_is_rendered_only_once_a_dialog_is_shown_and_the_dialog_then_appears()
    {
        var cut = Show<EmbedLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"page\">badge</p>"))));
        Assert.Empty(cut.FindComponents<MudDialogProvider>()); // idle: not kept in the circuit
        Assert.Equal("badge", cut.Find("#page").TextContent);

        var host = Services.GetRequiredService<DialogHost>();
        var parameters = new DialogParameters<MudText> { { t => t.ChildContent, (RenderFragment)(b => b.AddContent(0, "危急值内容")) } };
        cut.InvokeAsync(() => host.ShowAsync<MudText>("危急值提醒", parameters, new DialogOptions()));

        cut.WaitForAssertion(() =>
        {
            Assert.Single(cut.FindComponents<MudDialogProvider>());
            Assert.Contains("危急值提醒", cut.Find(".mud-dialog").TextContent);
            Assert.Contains("危急值内容", cut.Find(".mud-dialog").TextContent);
        });
    }

    [Fact]
    public void A_dialog_asked_for_from_a_click_in_the_page_appears()
    {
        // As the late-duplicate notice and the significant-results banner do: the provider is rendered after the
        // handler yields, and the dialog is shown only once it listens.
        var host = Services.GetRequiredService<DialogHost>();
        var shown = 0;
        RenderFragment body = b =>
        {
            b.OpenElement(0, "button");
            b.AddAttribute(1, "id", "open");
            b.AddAttribute(2, "onclick", EventCallback.Factory.Create(this, async () =>
            {
                await host.ShowAsync<MudText>("重要结果", new DialogParameters(), new DialogOptions());
                shown++;
            }));
            b.CloseElement();
        };
        var cut = Show<EmbedLayout>(p => p.Add(l => l.Body, body));
        Assert.Empty(cut.FindComponents<MudDialogProvider>());

        cut.Find("#open").Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Equal(1, shown);
            Assert.Contains("重要结果", cut.Find(".mud-dialog").TextContent);
        });
    }
}
