using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Workstation.Portal.Hosting;
using Workstation.Sandbox;

namespace Workstation.Bench;

/// <summary>How the portal runs for a bench: in this process (default) or in its own process pinned to core 0 while
/// this process (load generator and simulators) is pinned to core 1; on SQLite (default) or on a PostgreSQL server
/// (a database of its own, created by the portal's migrations and dropped afterwards).</summary>
/// <remarks>With <see cref="Unpinned"/> the portal runs in its own process without pinning: it and the load generator
/// share every core, as on a server whose portal has more than one core (the generator's own CPU then competes with it).</remarks>
/// <param name="PortalNice">With <paramref name="OwnProcess"/>: the portal process's nice value (0: the same priority as the
/// load generator). A positive value lets the load generator and simulators, which stand for the EHR, the HIS and the
/// platform (other machines in a hospital), take a shared core first when they have work.</param>
public sealed record BenchSetup(bool OwnProcess = false, string? Postgres = null, bool Unpinned = false, int PortalNice = 0)
{
    public string Describe() =>
        (!OwnProcess ? "portal in the load generator's process"
            : Unpinned ? $"portal in its own process, not pinned: it shares the {Environment.ProcessorCount} cores with the load generator and simulators"
            : "portal in its own process on core 0, load generator and simulators on core 1")
        + (OwnProcess && PortalNice != 0 ? $" (portal at nice {PortalNice}: the load generator and simulators run first)" : "")
        + ", " + (Postgres is null ? "SQLite (WAL, file in a temporary folder)" : "PostgreSQL on 127.0.0.1")
        + (OwnProcess ? ", logging as in production (appsettings.json levels, Serilog to standard output)" : ", logging errors only");
}

/// <summary>The simulators and a real portal (Kestrel, SQLite file or PostgreSQL database) on loopback, configured as
/// in production except for the demo HIS client.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    public const string ApiKey = "bench-his-api-key-00000001";
    public const string LisSecret = "bench-lis-webhook-secret-0123456789abcdef";
    public const string BloodUseClient = "bench-reduction";
    public const string BloodUsePassword = "bench-reduction-password";
    private readonly string _dir = Directory.CreateTempSubdirectory("workstation-bench").FullName;
    private WebApplication? _portal;
    private Process? _process;
    private string? _postgresServer;
    private string? _postgresDatabase;
    private string[] _args = [];
    private readonly List<WebApplication> _extraPortals = [];

    public SandboxHost Sandbox { get; private set; } = null!;

    /// <summary>The in-process portal (its services); not available when it runs in its own process.</summary>
    public WebApplication Portal => _portal ?? throw new InvalidOperationException("The portal runs in its own process (--pinned).");

    /// <summary>Process id of the portal (this process when it runs in-process), e.g. for dotnet-counters / dotnet-trace.</summary>
    public int PortalProcessId => _process?.Id ?? Environment.ProcessId;

    public Uri PortalUrl { get; private set; } = null!;

    public BenchSetup Setup { get; private set; } = new();

    /// <summary>Each line the portal writes to its console, when it runs in its own process.</summary>
    public event Action<string>? PortalOutput;

    public static async Task<BenchEnvironment> StartAsync(IEnumerable<string>? extraArgs = null, BenchSetup? setup = null,
        Action<SandboxHost>? beforePortal = null)
    {
        var env = new BenchEnvironment { Setup = setup ?? new BenchSetup() };
        if (env.Setup is { OwnProcess: true, Unpinned: false }) PinSelf(core: 1); // before the simulators start their threads (they inherit it)
        env.Sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 });
        beforePortal?.Invoke(env.Sandbox);
        string storage;
        if (env.Setup.Postgres is { } server)
        {
            env._postgresServer = server;
            env._postgresDatabase = "workstation_bench_" + Guid.NewGuid().ToString("N")[..10];
            // Npgsql's default pool (100 connections) reaches PostgreSQL's default max_connections (100) at 200 concurrent
            // duplicate checks ("too many clients" → 500s): bounded as a deployment would be, unless the caller says otherwise.
            var pool = server.Contains("Pool Size", StringComparison.OrdinalIgnoreCase) ? "" : ";Maximum Pool Size=32";
            storage = $"{server};Database={env._postgresDatabase}{pool}";
        }
        else
        {
            storage = $"Data Source={Path.Combine(env._dir, "bench.db")}";
        }
        var port = env.Setup.OwnProcess ? FreePort() : 0;
        string[] args =
        [
            "--environment=Bench",
            $"--Urls=http://127.0.0.1:{port}",
            $"--Storage:Provider={(env.Setup.Postgres is null ? "Sqlite" : "Postgres")}",
            $"--Storage:ConnectionString={storage}",
            $"--Platform:BaseUrl={env.Sandbox.PlatformUrl}",
            $"--Platform:Username={new SandboxOptions().PlatformUsername}",
            $"--Platform:Password={new SandboxOptions().PlatformPassword}",
            "--His:Clients:0:Id=bench-his",
            "--His:Clients:0:Name=Bench HIS",
            $"--His:Clients:0:ApiKey={ApiKey}",
            "--His:Clients:0:LaunchSecret=bench-launch-secret-0123456789abcdef",
            $"--His:Clients:0:Origins:0={env.Sandbox.HisUrl.GetLeftPart(UriPartial.Authority)}",
            $"--Webhooks:Sources:lis:Secret={LisSecret}",
            $"--Alerts:LisBaseUrl={env.Sandbox.LisUrl}",
            $"--HealthCard:CardSystemBaseUrl={env.Sandbox.CardsUrl}",
            $"--HealthCard:ApiKey={new SandboxOptions().CardApiKey}",
            "--HealthCard:HospitalCode=441300900",
            "--HealthCard:SyncInterval=01:00:00",
            "--Review:PrecomputeInterval=01:00:00", // the review bench runs the pass itself, after generating
            $"--BloodUse:HisBaseUrl={env.Sandbox.HisUrl}",
            "--BloodUse:InstitutionCode=441300900",
            $"--BloodUse:Clients:0:Id={BloodUseClient}",
            $"--BloodUse:Clients:0:PasswordHash={Workstation.Portal.BloodUse.BloodUsePasswordHash.Create(BloodUsePassword)}",
        ];
        // In its own process the portal logs as in production (its standard output is read here: what a hospital's
        // journald would read); in this process its lines would land among the figures, so there only errors.
        args = [.. args, .. env.Setup.OwnProcess ? [] : (string[])["--Serilog:MinimumLevel:Default=Error"], .. extraArgs ?? []];
        env._args = args;
        if (env.Setup.OwnProcess)
        {
            env.PortalUrl = new Uri($"http://127.0.0.1:{port}/");
            env._process = await StartOwnProcessAsync(args, env.PortalUrl, line => env.PortalOutput?.Invoke(line), pinned: !env.Setup.Unpinned, env.Setup.PortalNice);
        }
        else
        {
            env._portal = PortalApplication.CreateBuilder(args).Build();
            env._portal.UsePortal();
            await env._portal.StartAsync();
            var address = env._portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            env.PortalUrl = new Uri($"http://localhost:{new Uri(address).Port}/");
        }
        env.Sandbox.His.PortalUrl = env.PortalUrl.ToString().TrimEnd('/');
        env.Sandbox.His.Registration = new Workstation.Sandbox.His.HisRegistration("bench-his", ApiKey, "bench-launch-secret-0123456789abcdef");
        return env;
    }

    /// <summary>One more portal in this process on the same simulators and configuration, on a SQLite file of its own
    /// name (two calls with the same name share it, as two instances share a database), plus <paramref name="extraArgs"/>
    /// (e.g. a Redis connection); stopped with the environment.</summary>
    public async Task<(WebApplication App, Uri Url)> StartExtraPortalAsync(string databaseFile, IEnumerable<string>? extraArgs)
    {
        string[] args =
        [
            .. _args.Where(a => !a.StartsWith("--Urls=", StringComparison.Ordinal) && !a.StartsWith("--Storage:", StringComparison.Ordinal)),
            "--Urls=http://127.0.0.1:0",
            "--Storage:Provider=Sqlite",
            $"--Storage:ConnectionString=Data Source={Path.Combine(_dir, databaseFile)}",
            .. extraArgs ?? [],
        ];
        var portal = PortalApplication.CreateBuilder(args).Build();
        portal.UsePortal();
        await portal.StartAsync();
        _extraPortals.Add(portal);
        var address = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (portal, new Uri($"http://localhost:{new Uri(address).Port}/"));
    }

    /// <summary>Starts <c>taskset -c 0 dotnet Workstation.Portal.dll --Key=Value…</c> (the build beside this bench's
    /// configuration), under <c>nice -n <paramref name="nice"/></c> when not 0, and waits, at most 90 s, until
    /// <c>/health/live</c> answers.</summary>
    private static async Task<Process> StartOwnProcessAsync(string[] args, Uri url, Action<string> onLine, bool pinned, int nice)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // …/bin/<Configuration>/<tfm>
        var dll = Path.Combine(RepositoryLayout.LocateContentRoot(), "src", "Workstation.Portal", "bin", output.Parent!.Name, output.Name,
            "Workstation.Portal.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the portal first ({dll} is missing).");
        var start = new ProcessStartInfo(nice != 0 ? "nice" : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (nice != 0) foreach (var a in (string[])["-n", nice.ToString(System.Globalization.CultureInfo.InvariantCulture), "taskset"]) start.ArgumentList.Add(a);
        // Not pinned: taskset with every core, so that the process is started the same way.
        foreach (var a in (string[])["-c", pinned ? "0" : $"0-{Environment.ProcessorCount - 1}", "dotnet", dll, .. args]) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("taskset did not start.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            onLine(e.Data);
            log.Enqueue(e.Data);
            while (log.Count > 40) log.TryDequeue(out var _);
        }
        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited) break;
            try
            {
                if ((await http.GetAsync(new Uri(url, "health/live"))).IsSuccessStatusCode) return process;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The portal process did not become live:" + Environment.NewLine + string.Join(Environment.NewLine, log));
    }

    /// <summary>Pins every thread of this process (and the threads it starts later) to one core.</summary>
    private static void PinSelf(int core)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-c", "-p", core.ToString(), Environment.ProcessId.ToString()])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        taskset.StandardOutput.ReadToEnd();
        taskset.WaitForExit();
        if (taskset.ExitCode != 0) throw new InvalidOperationException("taskset could not pin the load generator.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var extra in _extraPortals)
        {
            await extra.StopAsync();
            await extra.DisposeAsync();
        }
        if (_portal is not null)
        {
            await _portal.StopAsync();
            await _portal.DisposeAsync();
        }
        if (_process is not null)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresServer + ";Database=postgres");
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        if (Environment.GetEnvironmentVariable("WORKSTATION_BENCH_KEEP") is null) { try { Directory.Delete(_dir, true); } catch (IOException) { } }
    }
}

/// <summary>Latency percentiles of one series.</summary>
public sealed record Percentiles(double P50, double P95, double P99, int Count, int Errors)
{
    public double Max { get; init; }

    public static Percentiles Of(IReadOnlyCollection<double> ms, int errors)
    {
        var sorted = ms.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(At(0.50), At(0.95), At(0.99), sorted.Length, errors) { Max = sorted.Length == 0 ? double.NaN : sorted[^1] };
    }
}
