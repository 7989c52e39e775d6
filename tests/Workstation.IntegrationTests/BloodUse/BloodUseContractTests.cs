using Workstation.Portal.Audit;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Platform.Contract;
using Workstation.Portal.Storage;
using Workstation.Sandbox.Demo;

namespace Workstation.IntegrationTests.BloodUse;

/// <summary>Written from the text of seed 001 (与医院HIS系统接口规范): the paths and parameters, the envelope
/// <c>{ success, data, erroMessage }</c>, the field names, their types and formats; against the running portal
/// and the HIS simulator over HTTP.</summary>
public sealed partial class BloodUseContractTests(BloodUseFixture fixture) : IClassFixture<BloodUseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static string Zhang => DemoWorld.FindByHisId("P1001")!.Identity.IdNumber;

    private HttpClient Client() => fixture.Factory.CreateClient();

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string url)
    {
        var response = await Client().GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode < 500, $"{url} answered {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        // 接口返回样例: exactly these three fields, always present.
        Assert.Equal(["data", "erroMessage", "success"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        return (response, body);
    }

    private async Task<string> TokenAsync(string id = BloodUseFixture.ClientId, string password = BloodUseFixture.Password)
    {
        var (_, body) = await GetAsync($"/blood-use/token?id={id}&password={Uri.EscapeDataString(password)}");
        Assert.True(body.GetProperty("success").GetBoolean(), body.ToString());
        return body.GetProperty("data").GetProperty("token").GetString()!;
    }

    private static void AssertFailure(JsonElement body, string containing)
    {
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        var message = body.GetProperty("erroMessage").GetString()!;
        Assert.Contains(containing, message);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", message);
    }

    [Fact]
    public async Task Token_answers_the_envelope_with_token_and_expires_in_seconds()
    {
        var (response, body) = await GetAsync($"/blood-use/token?id={BloodUseFixture.ClientId}&password={Uri.EscapeDataString(BloodUseFixture.Password)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("erroMessage").ValueKind);
        var data = body.GetProperty("data");
        Assert.Equal(["expires_in", "token"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(data.GetProperty("token").GetString()!.Length >= 40);
        // The sample writes "expires_in": "7200": seconds, as a string.
        Assert.Equal("7200", data.GetProperty("expires_in").GetString());
    }

    [Fact]
    public async Task Blduseinfo_returns_the_patient_and_one_bill_per_discharge_settlement_with_products()
    {
        var token = await TokenAsync();
        var (response, body) = await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("success").GetBoolean(), body.ToString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("erroMessage").ValueKind);
        var data = body.GetProperty("data");
        Assert.Equal(["bldUser", "chargeBills"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var user = data.GetProperty("bldUser");
        Assert.Equal(["birthday", "hisId", "identityNumber", "name"], user.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("张伟", user.GetProperty("name").GetString());
        Assert.Equal(Zhang, user.GetProperty("identityNumber").GetString());
        Assert.Equal($"{Zhang[6..10]}-{Zhang[10..12]}-{Zhang[12..14]}", user.GetProperty("birthday").GetString());
        // 建议使用医院组织机构编码-住院号
        Assert.Equal($"{BloodUseFixture.InstitutionCode}_Z056544", user.GetProperty("hisId").GetString());

        var bills = data.GetProperty("chargeBills").EnumerateArray().ToList();
        Assert.Equal(2, bills.Count);
        Assert.Equal(bills.Count, bills.Select(b => b.GetProperty("serialNumber").GetString()).Distinct().Count());
        foreach (var bill in bills)
        {
            Assert.Equal(["actualCost", "consumptionDatetime", "products", "serialNumber"], bill.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(JsonValueKind.String, bill.GetProperty("serialNumber").ValueKind);
            Assert.StartsWith(BloodUseFixture.InstitutionCode, bill.GetProperty("serialNumber").GetString());
            Assert.Equal(JsonValueKind.String, bill.GetProperty("actualCost").ValueKind);
            var cost = decimal.Parse(bill.GetProperty("actualCost").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            Assert.Matches(DateFormat(), bill.GetProperty("consumptionDatetime").GetString()!);
            var products = bill.GetProperty("products").EnumerateArray().ToList();
            Assert.NotEmpty(products);
            foreach (var product in products)
            {
                Assert.Equal(["donCode", "money", "prodClassCode", "prodClassName", "prodCode", "rh", "volume"],
                    product.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
                foreach (var name in new[] { "donCode", "prodCode", "prodClassCode", "prodClassName", "rh" })
                    Assert.False(string.IsNullOrEmpty(product.GetProperty(name).GetString()), name);
                Assert.Contains(product.GetProperty("rh").GetString(), new[] { "+", "-" });
                Assert.Equal(JsonValueKind.Number, product.GetProperty("volume").ValueKind);
                Assert.Equal(JsonValueKind.Number, product.GetProperty("money").ValueKind);
            }
            Assert.Equal(cost, products.Sum(p => p.GetProperty("money").GetDecimal()));
        }
        var classes = bills.SelectMany(b => b.GetProperty("products").EnumerateArray()).Select(p => p.GetProperty("prodClassName").GetString()).ToHashSet();
        Assert.Contains("悬浮红细胞", classes);
        Assert.Contains("单采血小板", classes);
    }

    [Fact]
    public async Task An_inpatient_without_transfusions_has_an_empty_bill_list()
    {
        var token = await TokenAsync();
        var wang = DemoWorld.FindByHisId("P1003")!.Identity.IdNumber;
        var (_, body) = await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={wang}");

        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("王芳", body.GetProperty("data").GetProperty("bldUser").GetProperty("name").GetString());
        Assert.Equal(0, body.GetProperty("data").GetProperty("chargeBills").GetArrayLength());
    }

    [Fact]
    public async Task Failures_answer_the_envelope_with_success_false_and_a_chinese_message()
    {
        var token = await TokenAsync();
        var badCheck = Zhang[..17] + (Zhang[17] == '0' ? '1' : '0');
        var neverAdmitted = DemoWorld.FindByHisId("P1005")!.Identity.IdNumber;

        AssertFailure((await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={badCheck}")).Body, "校验位");
        AssertFailure((await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber=12345")).Body, "证件号");
        AssertFailure((await GetAsync($"/blood-use/blduseinfo?token={token}")).Body, "identityNumber");
        AssertFailure((await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={neverAdmitted}")).Body, "没有该证件号");
        AssertFailure((await GetAsync($"/blood-use/blduseinfo?token=not-a-token&identityNumber={Zhang}")).Body, "token");
        AssertFailure((await GetAsync($"/blood-use/blduseinfo?identityNumber={Zhang}")).Body, "token");
        AssertFailure((await GetAsync($"/blood-use/token?id={BloodUseFixture.ClientId}&password=wrong")).Body, "密码错误");
        AssertFailure((await GetAsync("/blood-use/token?id=nobody&password=x")).Body, "密码错误");
        AssertFailure((await GetAsync("/blood-use/token")).Body, "密码");
        var (missing, body) = await GetAsync("/blood-use/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertFailure(body, "接口不存在");
    }

    [Fact]
    public async Task Hospital_information_system_down_is_a_clear_failure_not_a_5xx()
    {
        var token = await TokenAsync();
        fixture.Sandbox.His.InpatientFailures.Left = 1;
        var (response, body) = await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFailure(body, "HIS系统暂时无法访问");
        Assert.True((await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}")).Body.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Hospital_information_system_not_listening_is_the_same_clear_failure()
    {
        await using var noHis = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("BloodUse:HisBaseUrl", "http://127.0.0.1:9/"));
        var client = noHis.CreateClient();
        var token = JsonDocument.Parse(await client.GetStringAsync(
                $"/blood-use/token?id={BloodUseFixture.ClientId}&password={Uri.EscapeDataString(BloodUseFixture.Password)}", Ct))
            .RootElement.GetProperty("data").GetProperty("token").GetString();
        var response = await client.GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFailure(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement, "HIS系统暂时无法访问");
    }

    [Fact]
    public async Task Every_lookup_is_audited_with_the_client_the_masked_id_number_and_the_count()
    {
        var token = await TokenAsync();
        await GetAsync($"/blood-use/blduseinfo?token={token}&identityNumber={Zhang}");

        await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var lookups = await db.AuditEvents.Where(a => a.Action == "blood-use.lookup").ToListAsync(Ct);
        Assert.Contains(lookups, a => a.Actor == "blood-use:" + BloodUseFixture.ClientId
                                      && a.Subject == Zhang[..6] + "********" + Zhang[^4..] && a.Detail == "result=ok count=2");
        var all = await db.AuditEvents.ToListAsync(Ct);
        Assert.DoesNotContain(all, a => $"{a.Subject} {a.Detail} {a.Actor}".Contains(Zhang, StringComparison.Ordinal));
        Assert.DoesNotContain(all, a => $"{a.Subject} {a.Detail}".Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Both_operations_are_in_the_openapi_document()
    {
        var document = JsonDocument.Parse(await Client().GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var paths = document.GetProperty("paths");
        var token = paths.GetProperty("/blood-use/token").GetProperty("get");
        var info = paths.GetProperty("/blood-use/blduseinfo").GetProperty("get");
        Assert.Equal(["id", "password"], token.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order());
        Assert.Equal(["identityNumber", "token"], info.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order());
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateFormat();
}
