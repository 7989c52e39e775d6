using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Workstation.Sandbox.Demo;

namespace Workstation.IntegrationTests.Portal;

/// <summary>An answer to HIS carries the W3C Server-Timing header: how long the portal took, and of that the
/// platform's call and the wait for the durable commit, so an integrator can tell who took the time.</summary>
public sealed class ServerTimingTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_check_answer_says_how_long_the_platform_the_commit_and_the_portal_took_and_a_page_says_nothing()
    {
        var api = fixture.Factory.CreateClient();
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var patient = DemoWorld.FindByHisId("P1001")!;
        var answer = await api.PostAsJsonAsync("/api/v1/orders/check", new
        {
            context = new
            {
                doctorId = "D001", doctorName = "李医生", departmentCode = "NK", departmentName = "内科", patientId = patient.HisId,
                idType = patient.Identity.IdType, idNumber = patient.Identity.IdNumber, patientName = patient.Identity.Name,
                encounterId = "E-TIMING-1", setting = "outpatient",
            },
            draftOrderId = "D-TIMING-1", stage = "add", items = new[] { new { lineId = "1", itemCode = "L001" } },
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var (header, phases) = Phases(answer);
        Assert.Equal(["platform", "store", "app"], phases.Keys);
        Assert.All(phases.Values, ms => Assert.True(ms > 0, header));
        Assert.True(phases["platform"] + phases["store"] <= phases["app"], header);

        var page = await fixture.Factory.CreateClient().GetAsync("/account/login", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Server-Timing"));
    }

    /// <summary>The answer's one Server-Timing header and its phases in the order written ("platform;dur=54.1, …").</summary>
    internal static (string Header, Dictionary<string, double> Phases) Phases(HttpResponseMessage answer)
    {
        var header = Assert.Single(answer.Headers.GetValues("Server-Timing"));
        return (header, header.Split(", ").Select(p => p.Split(";dur=")).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture)));
    }
}
