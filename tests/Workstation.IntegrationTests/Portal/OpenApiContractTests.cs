using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Workstation.IntegrationTests.Portal;

/// <summary>The served OpenAPI document is a complete contract: <c>redocly lint</c> (recommended rules) finds no error.</summary>
public sealed class OpenApiContractTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Redocly => Path.Combine(PortalFixture.RepositoryRoot, "tools", "node", "node_modules", ".bin", "redocly");

    [Fact]
    public async Task The_served_openapi_document_passes_redocly_lint_without_errors()
    {
        Assert.True(File.Exists(Redocly), $"redocly is not installed at {Redocly}: run ./test.sh (it runs npm ci in tools/node).");
        var document = await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct);
        var path = Path.Combine(fixture.DataDirectory, "openapi.json");
        Directory.CreateDirectory(fixture.DataDirectory);
        await File.WriteAllTextAsync(path, document, Ct);

        var lint = Process.Start(new ProcessStartInfo(Redocly, ["lint", path, "--format", "json"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = lint.StandardOutput.ReadToEndAsync(Ct);
        var errors = lint.StandardError.ReadToEndAsync(Ct);
        await lint.WaitForExitAsync(Ct);

        var json = await output;
        var all = JsonDocument.Parse(json[json.IndexOf('{')..]).RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => (Severity: p.GetProperty("severity").GetString(), Text: $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} at " +
                         string.Join(" ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString()))))
            .ToList();
        foreach (var warning in all.Where(p => p.Severity != "error")) TestContext.Current.SendDiagnosticMessage("redocly warning: " + warning.Text);
        var problems = all.Where(p => p.Severity == "error").Select(p => p.Text).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + await errors);
    }

    [Fact]
    public async Task Every_his_operation_declares_the_api_key_and_its_problem_responses()
    {
        var document = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct)).RootElement;

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("HisApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var check = document.GetProperty("paths").GetProperty("/api/v1/orders/check").GetProperty("post");
        Assert.Equal("HisApiKey", check.GetProperty("security")[0].EnumerateObject().Single().Name);
        foreach (var status in new[] { "400", "401" }) Assert.True(check.GetProperty("responses").TryGetProperty(status, out _), status);
        var validate = document.GetProperty("paths").GetProperty("/api/v1/orders/validate").GetProperty("post");
        Assert.True(validate.GetProperty("responses").TryGetProperty("409", out _));
        var webhook = document.GetProperty("paths").GetProperty("/api/v1/webhooks/{source}").GetProperty("post");
        Assert.Contains(webhook.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "X-Workstation-Timestamp");
    }
}
