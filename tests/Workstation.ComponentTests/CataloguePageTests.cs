using Bunit;
using Workstation.Portal.Catalogue;

namespace Workstation.ComponentTests;

public sealed class CataloguePageTests : PortalTestContext
{
    [Fact]
    public void Lists_every_item_and_filters_by_kind()
    {
        var cut = Show<CataloguePage>();
        Assert.True(cut.FindAll("tbody tr").Count >= 40);

        cut.Find("[data-testid=kind-exam]").Click();

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("tbody tr");
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Contains("检查", r.TextContent));
            Assert.DoesNotContain(rows, r => r.TextContent.Contains("血常规"));
        });
    }
}
