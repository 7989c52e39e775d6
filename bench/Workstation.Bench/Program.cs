// Workstation benchmarks. Prints figures; asserts nothing (the goals are read off the output, see README).
//   dotnet run -c Release --project bench/Workstation.Bench [-- orders|launch|alerts|reports|outbox|review|cards [--write-behind]|blood-use]
//       [--requests N] [--decisions N]   review: --decisions 1000000 writes a hospital group's year (50 departments, 1,000 doctors)
//       [--no-exports]           review only: skip the export series
//   cds [--pinned] [--concurrency 50] [--rounds 3]: CDS Hooks order-select card vs HIS API vs platform directly (50 ms
//                               platform), each concurrency in rounds of the four series; a summary gives the median round
//       [--jitter 10]           cds only: the platform answers 0–10 ms later still, at random per call (the headline
//                               figure is without: the 50 ms platform)
//       [--pinned]              orders and cds only: the portal in its own process (taskset -c 0), this process on core 1
//       [--own-process]         orders and cds only: the portal in its own process, not pinned (it shares every core with
//                               this process: what more than one core per portal gives, less what the generator takes)
//       [--portal-nice 10]      with --pinned / --own-process: the portal process under nice -n 10, so that the load
//                               generator and simulators (the EHR, HIS and platform: other machines in a hospital) take
//                               a shared core first; without it all three processes share the cores equally
//       [--postgres "<conn>"]   the portal on PostgreSQL (a database of its own, dropped afterwards), e.g.
//                               "Host=127.0.0.1;Port=5432;Username=workstation;Password=…"
//       [--concurrency 20,50,200] [--latency 0,50] [--path common|duplicates]   orders only: which series
//   ... -- badge-listing [--launches 200]                          launch→badge with the listing write on vs off (issue 20)
//   ... -- cards-verify [--runs 5]                                 verify stalls, portal in its own process (issue 18)
//   ... -- circuits [--circuits 500]                               memory per idle Blazor circuit (Chromium)
//   ... -- alerts-cluster [--redis host:port] [--clients 5000]     hub delivery, one instance vs two over Redis
// Everything runs on 127.0.0.1 with bounded request counts.
using Workstation.Bench;

if (args is ["circuits-driver", var portalUrl, var tokenFile])
{
    // The circuits bench's Chromium driver, in its own process (see CircuitBench).
    await CircuitBench.DriveAsync(new Uri(portalUrl), tokenFile);
    return;
}

var what = args.FirstOrDefault(a => !a.StartsWith("--") && !IsOptionValue(a)) ?? "all";
var requests = args.SkipWhile(a => a != "--requests").Skip(1).Select(int.Parse).FirstOrDefault(2000);
var decisions = args.SkipWhile(a => a != "--decisions").Skip(1).Select(int.Parse).FirstOrDefault(100_000);
var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();
var concurrency = List("--concurrency");
var latency = List("--latency");
var unpinned = args.Contains("--own-process");
var ownProcess = args.Contains("--pinned") || unpinned;
var path = args.SkipWhile(a => a != "--path").Skip(1).FirstOrDefault();
var portalNice = args.SkipWhile(a => a != "--portal-nice").Skip(1).Select(int.Parse).FirstOrDefault(0);
if (what == "cds")
{
    // Its own environment: the EHR's JWK Set starts first (its URL is part of the portal's configuration).
    Console.WriteLine($"Workstation benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}");
    var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(3);
    var jitter = args.SkipWhile(a => a != "--jitter").Skip(1).Select(int.Parse).FirstOrDefault(0);
    await CdsBench.RunAsync(requests, new BenchSetup(ownProcess, postgres, unpinned, portalNice), List("--concurrency"), roundCount: rounds, jitter: jitter);
    return;
}

if (ownProcess && what != "orders")
{
    Console.Error.WriteLine("--pinned / --own-process run the portal in its own process: only the 'orders' and 'cds' benches support it.");
    return;
}

var header = $"Workstation benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}";
if (what == "reports")
{
    // Report rendering needs no portal or simulators.
    Console.WriteLine(header);
    ReportBench.Run(renders: 200);
    return;
}

if (what == "cards-verify")
{
    // Issue 18's stall measurement: the portal in its own process (core 0), portal-side times from its request log.
    Console.WriteLine(header);
    await CardsBench.RunVerifyStallsAsync(runs: args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(5));
    return;
}

// --write-behind: health-card verify answers before its usage log is committed (HealthCard:WaitForUsageLogCommit=false).
var writeBehind = args.Contains("--write-behind");
await using var env = await BenchEnvironment.StartAsync(writeBehind ? ["--HealthCard:WaitForUsageLogCommit=false"] : null,
    new BenchSetup(ownProcess, postgres, unpinned, portalNice));
Console.WriteLine(header);
Console.WriteLine($"portal process {env.PortalProcessId}");
if (what is "all" or "orders") await OrderCheckBench.RunAsync(env, requests, concurrency, latency, path);
if (what is "all" or "launch") await LaunchBench.RunAsync(env, launches: 40);
if (what is "badge-listing") await LaunchBench.RunListingAsync(env, launches: args.SkipWhile(a => a != "--launches").Skip(1).Select(int.Parse).FirstOrDefault(200));
if (what is "all" or "alerts") await AlertBench.RunAsync(env, [1000, 5000], alertsPerLevel: 300);
if (what is "all" or "outbox") await OutboxBench.RunAsync(env, uploads: 10_000);
if (what is "all" or "cards") await CardsBench.RunAsync(env, requests: what == "cards" ? Math.Max(requests, 20000) : requests);
if (what is "all" or "cards" or "blood-use") await CardsBench.RunBloodUseAsync(env, requests);
if (what is "all") ReportBench.Run(renders: 200);
if (what is "all" or "review") await ReviewBench.RunAsync(env, decisions, requests: Math.Min(requests, 100), exports: !args.Contains("--no-exports"));
if (what is "circuits") await CircuitBench.RunAsync(env, circuits: args.SkipWhile(a => a != "--circuits").Skip(1).Select(int.Parse).FirstOrDefault(500));
if (what is "alerts-cluster")
{
    // --redis host:port (./test.sh starts one on 127.0.0.1:6391)
    var redis = args.SkipWhile(a => a != "--redis").Skip(1).FirstOrDefault() ?? Environment.GetEnvironmentVariable("WORKSTATION_TEST_REDIS") ?? "127.0.0.1:6391";
    await AlertBench.RunClusterAsync(env, redis, clients: args.SkipWhile(a => a != "--clients").Skip(1).Select(int.Parse).FirstOrDefault(5000), alerts: 300);
}

bool IsOptionValue(string a)
{
    var i = Array.IndexOf(args, a);
    return i > 0 && args[i - 1] is "--requests" or "--decisions" or "--postgres" or "--path" or "--concurrency" or "--latency"
        or "--circuits" or "--redis" or "--clients" or "--launches" or "--rounds" or "--runs" or "--portal-nice" or "--jitter";
}

int[]? List(string name) => args.SkipWhile(a => a != name).Skip(1).Select(v => v.Split(',').Select(int.Parse).ToArray()).FirstOrDefault();
