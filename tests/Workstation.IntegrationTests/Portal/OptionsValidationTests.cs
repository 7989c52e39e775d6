using System.Diagnostics;

namespace Workstation.IntegrationTests.Portal;

/// <summary>A wrong configuration stops the portal with a message naming the key, before it serves anything.</summary>
public sealed class OptionsValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] ValidArgs(string dataDir) =>
    [
        "--environment=Testing",
        $"--Storage:ConnectionString=Data Source={Path.Combine(dataDir, "v.db")}",
        "--Platform:BaseUrl=http://127.0.0.1:9/",
        "--Platform:Username=u",
        "--Platform:Password=p",
        "--Serilog:MinimumLevel:Default=Fatal",
        "--Urls=http://127.0.0.1:0",
    ];

    [Theory]
    [InlineData("--Platform:BaseUrl=", "BaseUrl")]
    [InlineData("--Platform:RequestBudget=00:05:00", "RequestBudget")]
    [InlineData("--Platform:AttemptTimeout=00:00:03", "AttemptTimeout")]
    [InlineData("--Storage:Provider=Oracle", "Storage:Provider")]
    [InlineData("--His:Clients:0:Id=his|--His:Clients:0:Name=H|--His:Clients:0:ApiKey=0123456789abcdef|--His:Clients:0:LaunchSecret=0123456789abcdef0123456789abcdef|--His:Clients:0:Origins:0=https://*.example.org", "His:Clients:0:Origins")]
    [InlineData("--His:Clients:0:Id=his|--His:Clients:0:Name=H|--His:Clients:0:ApiKey=short|--His:Clients:0:LaunchSecret=0123456789abcdef0123456789abcdef|--His:Clients:0:Origins:0=https://his.example.org", "ApiKey")]
    public async Task Invalid_settings_refuse_to_start_naming_the_key(string overrides, string expectedKey)
    {
        var dir = Directory.CreateTempSubdirectory("ws-options").FullName;
        var args = ValidArgs(dir).Concat(overrides.Split('|')).ToArray();

        var message = await PortalStartup.FailureMessageAsync(args);
        Assert.Contains(expectedKey, message);
    }

    [Fact]
    public async Task The_real_process_exits_with_code_1_and_a_readable_message()
    {
        var dll = typeof(Program).Assembly.Location;
        var dir = Directory.CreateTempSubdirectory("ws-options").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(dll);
        foreach (var a in ValidArgs(dir)) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--Platform:MaxRetries=42");
        start.Environment["WORKSTATION_CONTENT_ROOT"] = PortalFixture.RepositoryRoot;

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Workstation cannot start", stderr);
        Assert.Contains("Platform", stderr);
        Assert.Contains("Platform:MaxRetries: The field MaxRetries must be between 0 and 5.", stderr);
    }

    [Fact]
    public async Task A_port_another_program_listens_on_stops_the_start_with_a_plain_message_naming_the_address()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var port = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        var dir = Directory.CreateTempSubdirectory("ws-options").FullName;
        var args = ValidArgs(dir).Append($"--Urls=http://127.0.0.1:{port}").ToArray();

        var message = await PortalStartup.FailureMessageAsync(args);
        Assert.Contains("already in use", message);
        Assert.Contains($"127.0.0.1:{port}", message);
        Assert.Contains("Urls", message);
    }
}
