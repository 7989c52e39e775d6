using Workstation.Portal.Demo;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Accounts;
using Workstation.Portal.Review;

namespace Workstation.Bench;

/// <summary>Quality review over a generated year: the dashboard figures and a filtered explorer page through the API
/// (staff cookie, SQLite file), and the XLSX / CSV export of every decision with time and peak memory.</summary>
public static partial class ReviewBench
{
    private const string Password = "Bench@2026!";

    public static async Task RunAsync(BenchEnvironment env, int decisions, int requests, bool exports = true)
    {
        var services = env.Portal.Services;
        var history = decisions >= 200_000 ? DemoHistory.GroupYear(decisions) : new DemoHistory(decisions);
        Console.WriteLine();
        Console.WriteLine($"Quality review over {decisions:N0} generated decisions ({history.Departments} departments, " +
                          $"{history.Departments * history.DoctorsPerDepartment:N0} doctors, one year), {env.Setup.Describe()}");
        var lastReport = Stopwatch.StartNew();
        var generation = await services.GetRequiredService<ReviewDemoGenerator>().GenerateAsync(history, seed: 2026, new Progress<int>(n =>
        {
            if (lastReport.Elapsed < TimeSpan.FromSeconds(15) && n < decisions) return;
            Console.WriteLine($"  generating: {n:N0} of {decisions:N0} decisions");
            lastReport.Restart();
        }), CancellationToken.None);
        Console.WriteLine($"generated {generation.Decisions:N0} decisions, {generation.Listings:N0} listings, {generation.Checks:N0} order checks " +
                          $"({generation.NotChecked:N0} not checked), {generation.Alerts:N0} critical values in {generation.Took.TotalSeconds:0.0} s " +
                          $"({generation.Decisions / generation.Took.TotalSeconds:N0} decisions/s)");
        var pass = await services.GetRequiredService<ReviewPrecomputer>().PrecomputeAsync(CancellationToken.None);
        Console.WriteLine($"pre-computed {pass.Days} days and {pass.Months} months ({pass.Facts:N0} facts) in {pass.Took.TotalSeconds:0.0} s");

        await services.GetRequiredService<AccountService>().EnsureAccountAsync("bench-qc", "质控", PortalRoles.QualityOfficer, "ZKK", Password, CancellationToken.None);
        using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false, MaxConnectionsPerServer = 32 };
        using var http = new HttpClient(handler) { BaseAddress = env.PortalUrl, Timeout = TimeSpan.FromMinutes(5) };
        await SignInAsync(http);

        var local = DateTime.UtcNow.AddHours(8);
        var yearFrom = local.AddDays(-365).ToString("yyyy-MM-dd");
        var today = local.ToString("yyyy-MM-dd");
        var department = decisions >= 200_000 ? "XNK" : "XNK";
        Console.WriteLine("series | concurrency | requests | p50 ms | p95 ms | p99 ms | max ms | errors");
        var year = $"api/v1/review/summary?from={yearFrom}&to={today}";
        await SeriesAsync(http, "dashboard, hospital-wide year, no write meanwhile", year, requests, 1);
        await SeriesAsync(http, "dashboard, hospital-wide year, no write meanwhile", year, requests, 10);
        // A busy day: a doctor's decision lands before every request, so today's part is read from the rows each time.
        var dbFactory = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Workstation.Portal.Storage.PortalDbContext>>();
        var written = 0;
        async Task DecideAsync()
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var n = Interlocked.Increment(ref written);
            db.Add(new Workstation.Portal.Orders.RecognitionDecision
            {
                DecisionToken = Guid.NewGuid().ToString("N"), ClientId = ReviewDemoGenerator.ClientId, EncounterId = $"bench-{n}", DraftOrderId = $"bench-{n}",
                LineId = "1", ItemCode = "L001", ItemName = "血常规", ReportId = $"bench-report-{n}", ReportInstitution = "惠州市中心人民医院",
                ReportDate = DateTime.UtcNow.AddDays(-1), Choice = n % 3 == 0 ? "decline" : "recognise", ReasonCodes = n % 3 == 0 ? "OTHER" : "",
                DoctorId = "G01001", DoctorName = "bench", DepartmentCode = "XNK", DepartmentName = "心血管内科", PatientId = $"P-bench-{n % 500}",
                PatientName = "bench", Setting = "outpatient", Stage = "add", CheckId = "bench", PresentedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow,
                RetainStatus = "n/a",
            });
            await db.SaveChangesAsync();
        }
        await SeriesAsync(http, "dashboard, hospital-wide year, a decision written before each request", year, requests, 1, DecideAsync);
        await SeriesAsync(http, "dashboard, hospital-wide year, a decision written before each request", year, requests, 10, DecideAsync);
        await SeriesAsync(http, "dashboard, default 90 days", "api/v1/review/summary", requests, 1);
        await SeriesAsync(http, "dashboard, one year, one department (rows)", $"api/v1/review/summary?from={yearFrom}&to={today}&department={department}", Math.Min(requests, 50), 1);
        await SeriesAsync(http, "dashboard, one year, one department (rows)", $"api/v1/review/summary?from={yearFrom}&to={today}&department={department}", Math.Min(requests, 50), 10);
        await SeriesAsync(http, "critical values page, one year", $"api/v1/review/critical-values?from={yearFrom}&to={today}", Math.Min(requests, 50), 1);
        await SeriesAsync(http, "explorer page 3, dept + outcome + year", $"api/v1/review/decisions?from={yearFrom}&to={today}&department={department}&outcome=decline&page=3", Math.Min(requests, 50), 1);
        await SeriesAsync(http, "explorer page 1, no filter, one year", $"api/v1/review/decisions?from={yearFrom}&to={today}", Math.Min(requests, 50), 1);

        if (!exports) return;
        Console.WriteLine("export | rows | seconds | bytes | peak managed heap growth MiB | peak working set growth MiB");
        foreach (var format in new[] { "xlsx", "csv" })
            await ExportAsync(http, format, $"api/v1/review/export?format={format}&from={local.AddDays(-366):yyyy-MM-dd}&to={today}", generation.Decisions);
    }

    private static async Task SeriesAsync(HttpClient http, string name, string url, int requests, int concurrency, Func<Task>? beforeEach = null)
    {
        for (var i = 0; i < 3; i++) (await http.GetAsync(url)).EnsureSuccessStatusCode(); // warm-up
        var times = new System.Collections.Concurrent.ConcurrentBag<double>();
        var errors = 0;
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                if (beforeEach is not null) await beforeEach();
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(url);
                await response.Content.ReadAsByteArrayAsync();
                sw.Stop();
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                else times.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        var p = Percentiles.Of(times, errors);
        Console.WriteLine($"{name} | {concurrency} | {p.Count} | {p.P50:0.0} | {p.P95:0.0} | {p.P99:0.0} | {p.Max:0.0} | {p.Errors}");
    }

    private static async Task ExportAsync(HttpClient http, string format, string url, int expectedRows)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(false);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;
        long peakHeap = heapBefore, peakWorkingSet = workingSetBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                try { await Task.Delay(5, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var sw = Stopwatch.StartNew();
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var counting = new CountingStream();
        await (await response.Content.ReadAsStreamAsync()).CopyToAsync(counting);
        sw.Stop();
        await stop.CancelAsync();
        await sampler;
        Console.WriteLine($"{format} | {expectedRows:N0} | {sw.Elapsed.TotalSeconds:0.00} | {counting.Length:N0} | " +
                          $"{(peakHeap - heapBefore) / 1048576.0:0.0} | {(peakWorkingSet - workingSetBefore) / 1048576.0:0.0}");
    }

    private static async Task SignInAsync(HttpClient http)
    {
        var form = await http.GetStringAsync("account/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var response = await http.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.UserName"] = "bench-qc", ["Input.Password"] = Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Bench sign-in failed: {response.StatusCode}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Counts what it is given and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        public override long Length => _length;
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
