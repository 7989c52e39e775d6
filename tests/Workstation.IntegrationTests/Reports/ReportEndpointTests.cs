using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Workstation.IntegrationTests.Portal;

namespace Workstation.IntegrationTests.Reports;

/// <summary>The preview's PDF and page images over real HTTP: lab staff and admins only, and a portal without a CJK
/// font refuses to start.</summary>
public sealed partial class ReportEndpointTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/account/login", Ct);
        var signIn = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AntiforgeryField().Match(form).Groups[1].Value,
            ["Input.UserName"] = user,
            ["Input.Password"] = PortalFixture.Password,
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }

    [Fact]
    public async Task Lab_staff_get_the_pdf_and_each_page_as_png()
    {
        var client = await SignedInAsync("lab");

        var pdf = await client.GetAsync("/reports/L20261125-0002.pdf", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal("L20261125-0002.pdf", pdf.Content.Headers.ContentDisposition?.FileNameStar ?? pdf.Content.Headers.ContentDisposition?.FileName);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync(Ct), 0, 5));

        foreach (var page in new[] { 1, 2 })
        {
            var png = await client.GetAsync($"/reports/L20261125-0002/pages/{page}.png", Ct);
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
            Assert.True((await png.Content.ReadAsByteArrayAsync(Ct)).Length > 10_000);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/reports/L20261125-0002/pages/3.png", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/reports/L-unknown.pdf", Ct)).StatusCode);
    }

    [Fact]
    public async Task Quality_officers_and_anonymous_visitors_get_no_report()
    {
        var qc = await SignedInAsync("qc");
        var denied = await qc.GetAsync("/reports/L20261125-0001.pdf", Ct);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/account/denied", denied.Headers.Location!.PathAndQuery);

        var anonymous = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await anonymous.GetAsync("/reports/L20261125-0001/pages/1.png", Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_configured_report_font_that_does_not_exist_stops_the_start_naming_the_key()
    {
        var dir = Directory.CreateTempSubdirectory("ws-reports").FullName;
        string[] args =
        [
            "--environment=Testing",
            $"--Storage:ConnectionString=Data Source={Path.Combine(dir, "v.db")}",
            "--Platform:BaseUrl=http://127.0.0.1:9/",
            "--Platform:Username=u",
            "--Platform:Password=p",
            "--Serilog:MinimumLevel:Default=Fatal",
            "--Urls=http://127.0.0.1:0",
            "--Reports:FontPath=/nonexistent/wqy-zenhei.ttc",
        ];

        var message = await PortalStartup.FailureMessageAsync(args);
        Assert.Contains("Reports:FontPath", message);
        Assert.Contains("/nonexistent/wqy-zenhei.ttc does not exist", message);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
