using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Workstation.Sandbox.Demo;
using Workstation.Testing;

namespace Workstation.IntegrationTests.Portal;

/// <summary>What the request log shows an operator at the production level (Information): a refused or failed call and
/// every page, but not each of the hundreds of order checks a second that HIS sends and that are stored anyway.</summary>
public sealed class RequestLogTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_successful_order_check_writes_no_request_line_but_a_refused_one_and_a_page_do()
    {
        var log = new CapturedLog();
        await using var factory = fixture.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Serilog:MinimumLevel:Default", "Information");
            b.ConfigureServices(s => s.AddSingleton<ILogEventSink>(log));
        });
        var api = factory.CreateClient();
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var patient = DemoWorld.FindByHisId("P1003")!;
        object Check(string itemCode) => new
        {
            context = new
            {
                doctorId = "D001", doctorName = "李医生", departmentCode = "NK", departmentName = "内科", patientId = patient.HisId,
                idType = patient.Identity.IdType, idNumber = patient.Identity.IdNumber, patientName = patient.Identity.Name,
                encounterId = "E-LOG-1", setting = "outpatient",
            },
            draftOrderId = "D-LOG-1", stage = "add", items = new[] { new { lineId = "1", itemCode } },
        };

        var answered = await api.PostAsJsonAsync("/api/v1/orders/check", Check("L001"), Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var refused = await api.PostAsJsonAsync("/api/v1/orders/check", Check("NO-SUCH-ITEM"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/account/login", Ct)).StatusCode);

        // The lines are written as each request completes: wait for the last one, by then the earlier ones are in.
        // (Rendered as Serilog renders the message: HTTP "POST" "/api/v1/orders/check" responded 400 in … ms.)
        bool Line(string line, string path, int status) =>
            line.StartsWith("HTTP ", StringComparison.Ordinal) && line.Contains($"\"{path}\" responded {status} ", StringComparison.Ordinal);
        await Eventually.UntilAsync(() => log.Lines.Any(l => Line(l, "/account/login", 200)), "the sign-in page's request line", cancellationToken: Ct);
        Assert.Contains(log.Lines, l => Line(l, "/api/v1/orders/check", 400));
        Assert.DoesNotContain(log.Lines, l => Line(l, "/api/v1/orders/check", 200));
    }
}
