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
}
