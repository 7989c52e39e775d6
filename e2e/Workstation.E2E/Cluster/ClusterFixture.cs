using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npgsql;
using Workstation.Sandbox;

namespace Workstation.E2E.Cluster;

/// <summary>Two portal instances as separate processes (the built Workstation.Portal.dll) on one PostgreSQL database
/// and one Redis, behind nginx running the shipped site file (deploy/nginx/workstation.conf), with the simulators in
/// this process and Debian's Chromium. ./test.sh installs and starts PostgreSQL, Redis and nginx (as root) and sets
/// WORKSTATION_TEST_POSTGRES / WORKSTATION_TEST_REDIS; without them the tests say why and report skipped.
/// nginx hashes clients by address, and every browser here is 127.0.0.1: the instance that address lands on is
/// <see cref="DoctorsInstance"/> (pages, circuits, the HIS page's hub), the other is <see cref="OtherInstance"/>.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string NginxPath = "/usr/sbin/nginx";

    private readonly string _dir = Directory.CreateTempSubdirectory("ws-cluster").FullName;

    /// <summary>The instances' and nginx's logs, kept after the run (artifacts/cluster).</summary>
    public static string LogDirectory { get; } = Directory.CreateDirectory(Path.Combine(
        Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "artifacts", "cluster")).FullName;
    private IPlaywright? _playwright;
    private Process? _nginx;
    private readonly List<PortalProcess> _started = []; // every process started, killed at the end even if set-up failed
    private string? _adminConnection;

    /// <summary>Why the cluster could not be set up here, or null.</summary>
    public string? Unavailable { get; private set; }

    public SandboxHost Sandbox { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri NginxUrl { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public string ConnectionString { get; private set; } = "";

    public PortalProcess DoctorsInstance { get; private set; } = null!;

    public PortalProcess OtherInstance { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("WORKSTATION_TEST_POSTGRES");
        var redis = Environment.GetEnvironmentVariable("WORKSTATION_TEST_REDIS");
        if (string.IsNullOrEmpty(postgres) || string.IsNullOrEmpty(redis) || !File.Exists(NginxPath))
        {
            Unavailable = $"needs PostgreSQL, Redis and nginx (run ./test.sh as root): WORKSTATION_TEST_POSTGRES {(string.IsNullOrEmpty(postgres) ? "unset" : "set")}, " +
                          $"WORKSTATION_TEST_REDIS {(string.IsNullOrEmpty(redis) ? "unset" : "set")}, {NginxPath} {(File.Exists(NginxPath) ? "found" : "missing")}";
            return;
        }
        foreach (var old in Directory.GetFiles(LogDirectory, "*.log")) File.Delete(old);
        _adminConnection = postgres + ";Database=postgres";
        Database = "workstation_cluster_" + Guid.NewGuid().ToString("N")[..10];
        ConnectionString = postgres + ";Database=" + Database;

        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        var ports = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        NginxUrl = new Uri($"http://localhost:{ports.Item3}/");
        StartNginx(ports.Item1, ports.Item2, ports.Item3);

        // Both instances alike first (one after the other: the first applies the migrations); then ask nginx which
        // one 127.0.0.1 is hashed to, and restart that one in its role.
        var settings = Settings(redis);
        var a = new PortalProcess("a", ports.Item1, Path.Combine(LogDirectory, "a.log"), settings);
        var b = new PortalProcess("b", ports.Item2, Path.Combine(LogDirectory, "b.log"), settings);
        _started.Add(a);
        _started.Add(b);
        await a.StartAsync();
        await b.StartAsync();
        var doctorsPort = await ProbeUpstreamAsync(ports.Item3);
        var (doctors, other) = doctorsPort == a.Port ? (a, b) : (b, a);
        // The instance the doctors' pages land on runs no re-check worker, so a late duplicate it shows was raised on
        // the other instance; it polls its outbox slowly, so what a doctor handles there is claimed there (its writer
        // wakes its own dispatcher at once) while the other polls every 2 s.
        await doctors.KillAsync();
        DoctorsInstance = new PortalProcess("doctors", doctors.Port, Path.Combine(LogDirectory, "doctors.log"), settings with
        {
            Extra = new Dictionary<string, string> { ["Orders:RunRecheck"] = "false", ["Outbox:PollInterval"] = "00:00:30" },
        });
        OtherInstance = other;
        _started.Add(DoctorsInstance);
        await DoctorsInstance.StartAsync();
        Assert.Equal(doctorsPort, await ProbeUpstreamAsync(ports.Item3));

        Sandbox.His.PortalUrl = NginxUrl.ToString().TrimEnd('/');
        Sandbox.His.Registration = new Workstation.Sandbox.His.HisRegistration(PortalServer.ClientId, PortalServer.ApiKey, PortalServer.LaunchSecret);
        Sandbox.Lis.Webhook = (NginxUrl, PortalServer.LisSecret);

        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright, []);
        Assertions.SetDefaultExpectTimeout(BrowserFixture.Patience);
    }

    private PortalSettings Settings(string redis) => new(new Dictionary<string, string>
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = ConnectionString,
        ["ConnectionStrings:Redis"] = redis,
        ["Proxy:KnownProxies:0"] = "127.0.0.1",
        ["Platform:BaseUrl"] = Sandbox.PlatformUrl.ToString(),
        ["Platform:Username"] = new SandboxOptions().PlatformUsername,
        ["Platform:Password"] = new SandboxOptions().PlatformPassword,
        ["Platform:BreakDuration"] = "00:00:01",
        ["His:Clients:0:Id"] = PortalServer.ClientId,
        ["His:Clients:0:Name"] = "E2E HIS",
        ["His:Clients:0:ApiKey"] = PortalServer.ApiKey,
        ["His:Clients:0:LaunchSecret"] = PortalServer.LaunchSecret,
        ["His:Clients:0:Origins:0"] = Sandbox.HisUrl.GetLeftPart(UriPartial.Authority),
        ["Serilog:MinimumLevel:Default"] = "Information",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Warning",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Components.Server"] = "Debug",
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Webhooks:Sources:lis:Secret"] = PortalServer.LisSecret,
        ["Alerts:LisBaseUrl"] = Sandbox.LisUrl.ToString(),
        ["Alerts:OnDuty:NK"] = "D002",
        ["Alerts:DepartmentHeads:NK"] = "D003",
        ["Alerts:TimerInterval"] = "00:00:00.500",
        ["Alerts:EscalateToDepartmentAfter"] = "00:00:06",
        ["Alerts:EscalateToMedicalAffairsAfter"] = "00:10:00",
        ["Orders:RecheckInterval"] = "00:00:02",
        ["Outbox:Lease"] = "00:00:03",
        ["Outbox:PollInterval"] = "00:00:02",
    }, new Dictionary<string, string>());

    /// <summary>The shipped site file, made runnable here: plain HTTP on one loopback port, logs in the test
    /// directory, the two instances' ports, and a header naming the instance that answered.</summary>
    private void StartNginx(int portA, int portB, int listen)
    {
        var site = File.ReadAllText(Path.Combine(Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "deploy", "nginx", "workstation.conf"));
        site = Regex.Replace(site, @"(?m)^\s*#.*$\n?", "");
        // Drop the port-80 server (redirect to HTTPS): the first server block.
        var start = site.IndexOf("server {", StringComparison.Ordinal);
        var depth = 0;
        var end = start;
        for (; end < site.Length; end++)
        {
            if (site[end] == '{') depth++;
            else if (site[end] == '}' && --depth == 0) break;
        }
        site = site.Remove(start, end - start + 1);
        var listenDone = false;
        site = Regex.Replace(site, @"(?m)^\s*listen [^;]*;", _ =>
        {
            if (listenDone) return "";
            listenDone = true;
            return $"    listen 127.0.0.1:{listen};\n    add_header X-Upstream $upstream_addr always;";
        });
        site = Regex.Replace(site, @"(?m)^\s*(ssl_[a-z_]+|add_header Strict-Transport-Security)[^;]*;", "");
        site = Regex.Replace(site, @"(?m)^\s*access_log [^;]*;", "    access_log off;");
        site = Regex.Replace(site, @"(?m)^\s*error_log [^;]*;", $"    error_log {LogDirectory}/nginx-site-error.log warn;");
        site = site.Replace("127.0.0.1:5301", $"127.0.0.1:{portA}").Replace("127.0.0.1:5302", $"127.0.0.1:{portB}");
        if (!listenDone || site.Contains("5301") || site.Contains("ssl_certificate"))
            throw new InvalidOperationException("deploy/nginx/workstation.conf changed shape; update ClusterFixture.StartNginx");
        File.WriteAllText(Path.Combine(_dir, "site.conf"), site);
        foreach (var temp in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi" }) Directory.CreateDirectory(Path.Combine(_dir, temp));
        var user = Environment.UserName == "root" ? "user root;" : "";
        File.WriteAllText(Path.Combine(_dir, "nginx.conf"), $$"""
            {{user}}
            worker_processes 1;
            daemon off;
            pid {{_dir}}/nginx.pid;
            error_log {{_dir}}/nginx-error.log warn;
            events { worker_connections 2048; }
            http {
                client_body_temp_path {{_dir}}/body;
                proxy_temp_path {{_dir}}/proxy;
                fastcgi_temp_path {{_dir}}/fastcgi;
                uwsgi_temp_path {{_dir}}/uwsgi;
                scgi_temp_path {{_dir}}/scgi;
                access_log off;
                include {{_dir}}/site.conf;
            }
            """);
        _nginx = Process.Start(new ProcessStartInfo(NginxPath, ["-p", _dir, "-c", Path.Combine(_dir, "nginx.conf")])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
    }

    /// <summary>Starts the doctors' instance again after a kill and waits until nginx sends 127.0.0.1 to it again
    /// (nginx keeps a failed server out for its fail_timeout, 10 s).</summary>
    public async Task RestartDoctorsInstanceAsync()
    {
        await DoctorsInstance.StartAsync();
        await Eventually.UntilAsync(async () => await ProbeUpstreamAsync(NginxUrl.Port) == DoctorsInstance.Port, "nginx to take the restarted instance back");
    }

    private async Task<int> ProbeUpstreamAsync(int listen)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var upstream = "";
        await Eventually.UntilAsync(async () =>
        {
            if (_nginx is { HasExited: true }) throw new InvalidOperationException("nginx did not answer: " + NginxErrors());
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{listen}/favicon.svg"); // "/": the circuits upstream (hashed by address)
                upstream = response.Headers.TryGetValues("X-Upstream", out var values) ? values.First() : "";
                return true;
            }
            catch (HttpRequestException)
            {
                return false; // nginx still starting
            }
        }, "nginx to answer");
        return int.Parse(upstream.Split(',')[0].Trim().Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private string NginxErrors()
    {
        var log = Path.Combine(_dir, "nginx-error.log");
        return (_nginx is { HasExited: true } n ? n.StandardError.ReadToEnd() : "") + (File.Exists(log) ? File.ReadAllText(log) : "");
    }

    /// <summary>A single value from the shared database.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(BrowserFixture.Patience);
        var page = await context.NewPageAsync();
        page.Console += (_, m) => File.AppendAllText(Path.Combine(LogDirectory, "browser-console.log"), $"{m.Type}: {m.Text}\n");
        page.RequestFailed += (_, r) => File.AppendAllText(Path.Combine(LogDirectory, "browser-console.log"), $"failed: {r.Url} {r.Failure}\n");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        foreach (var process in _started) await process.DisposeAsync();
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }
        if (Sandbox is not null) await Sandbox.DisposeAsync();
        if (_adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

}

/// <summary>Configuration passed to a portal process as <c>--Key=Value</c> arguments.</summary>
public sealed record PortalSettings(IReadOnlyDictionary<string, string> Common, IReadOnlyDictionary<string, string> Extra);

/// <summary>One portal instance: <c>dotnet Workstation.Portal.dll</c> as production runs it (environment Testing,
/// configuration on the command line), its output in a log file.</summary>
public sealed class PortalProcess(string name, int port, string logPath, PortalSettings settings) : IAsyncDisposable
{
    private Process? _process;

    public string Name => name;

    public int Port => port;

    public Uri Url { get; } = new($"http://127.0.0.1:{port}/");

    public bool Running => _process is { HasExited: false };

    public int ProcessId => _process?.Id ?? 0;

    private static string PortalDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var dll = Path.Combine(Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "src", "Workstation.Portal", "bin", configuration, "net10.0", "Workstation.Portal.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first", dll);
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(PortalDll());
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var (key, value) in settings.Common.Concat(settings.Extra)) start.ArgumentList.Add($"--{key}={value}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_gcServer"] = "0";
        _process = Process.Start(start)!;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if (_process.HasExited) throw new InvalidOperationException("it exited");
                try
                {
                    return (await http.GetAsync(new Uri(Url, "health/live"))).IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, $"portal instance '{name}' to start", TimeSpan.FromSeconds(120));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await KillAsync();
            throw new InvalidOperationException($"Portal instance '{name}' did not start on port {port} ({ex.Message}). Its log:\n" + Tail());
        }
    }

    /// <summary>Kills the process at once (no graceful shutdown: leases stay, connections drop).</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
    }

    public string Tail()
    {
        try
        {
            return string.Join('\n', File.ReadLines(logPath).TakeLast(40));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
