using Bunit;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Reports;
using Workstation.Reports;

namespace Workstation.ComponentTests;

public sealed class ReportPreviewPageTests : PortalTestContext
{
    public ReportPreviewPageTests()
    {
        Services.AddSingleton<IMemoryCache>(new MemoryCache(new MemoryCacheOptions()));
        Services.AddSingleton(new ReportRenderer(ReportFont.Load()));
        Services.AddSingleton<ReportPreviewService>();
        Services.AddSingleton<IApprovedReports, SampleApprovedReports>();
    }

    [Fact]
    public void Shows_the_first_report_first_page_and_pages_through_a_two_page_report()
    {
        var cut = Show<ReportPreviewPage>();

        Assert.Equal(3, cut.FindAll("[data-testid^=report-L], [data-testid^=report-E]").Count);
        Assert.Equal("/reports/L20261125-0001/pages/1.png", cut.Find("[data-testid=report-page]").GetAttribute("src"));
        Assert.Equal("第 1 页 / 共 1 页", cut.Find("[data-testid=page-number]").TextContent);
        Assert.Equal("/reports/L20261125-0001.pdf", cut.Find("[data-testid=report-pdf]").GetAttribute("href"));

        cut.Find("[data-testid=report-L20261125-0002]").Click();
        cut.WaitForAssertion(() => Assert.Equal("第 1 页 / 共 2 页", cut.Find("[data-testid=page-number]").TextContent));

        cut.Find("button[data-testid=page-next]").Click();
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("/reports/L20261125-0002/pages/2.png", cut.Find("[data-testid=report-page]").GetAttribute("src"));
            Assert.True(cut.Find("button[data-testid=page-next]").HasAttribute("disabled"));
        });
    }
}
