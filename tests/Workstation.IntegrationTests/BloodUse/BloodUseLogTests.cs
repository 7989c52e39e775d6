using System.Text.Json;
using Workstation.Sandbox.Demo;

namespace Workstation.IntegrationTests.BloodUse;

/// <summary>The portal's Serilog logger is also the process-wide static logger (AddSerilog without
/// preserveStaticLogger), so another host started in parallel would take the log events over: this class runs alone.</summary>
[CollectionDefinition(nameof(BloodUseLogCollection), DisableParallelization = true)]
public sealed class BloodUseLogCollection;

[Collection(nameof(BloodUseLogCollection))]
public sealed class BloodUseLogTests(BloodUseFixture fixture) : IClassFixture<BloodUseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url) =>
        JsonDocument.Parse(await client.GetStringAsync(url, Ct)).RootElement.Clone();

    [Fact]
    public async Task The_token_the_password_and_the_id_number_never_reach_the_logs()
    {
        var zhang = DemoWorld.FindByHisId("P1001")!.Identity.IdNumber;
        var client = fixture.Factory.CreateClient();
        var token = (await GetJsonAsync(client, $"/blood-use/token?id={BloodUseFixture.ClientId}&password={Uri.EscapeDataString(BloodUseFixture.Password)}"))
            .GetProperty("data").GetProperty("token").GetString()!;
        await GetJsonAsync(client, $"/blood-use/blduseinfo?token={token}&identityNumber={zhang}");
        await GetJsonAsync(client, $"/blood-use/token?id={BloodUseFixture.ClientId}&password=a-wrong-password-xyz");

        var lines = fixture.Log.Lines;
        // The capture works: ASP.NET Core's request lines for these paths are there, with the values redacted.
        Assert.Contains(lines, l => l.Contains("/blood-use/blduseinfo", StringComparison.Ordinal) && l.Contains("token=***", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("/blood-use/token", StringComparison.Ordinal) && l.Contains("password=***", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(BloodUseFixture.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("a-wrong-password-xyz", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(zhang, StringComparison.Ordinal));
    }
}
