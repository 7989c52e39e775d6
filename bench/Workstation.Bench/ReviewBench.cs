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

    public static async Task RunAsync(BenchEnvironment env, int decisions, int requests)
    {
        var services = env.Portal.Services;
        Console.WriteLine();
        Console.WriteLine($"Quality review over {decisions:N0} generated decisions (20 departments, 200 doctors, one year), SQLite");
        var generation = await services.GetRequiredService<ReviewDemoGenerator>().GenerateAsync(decisions, seed: 2026, CancellationToken.None);
        Console.WriteLine($"generated {generation.Decisions:N0} decisions, {generation.Checks:N0} order checks ({generation.NotChecked:N0} not checked), " +
                          $"{generation.Alerts:N0} critical values in {generation.Took.TotalSeconds:0.0} s");

        await services.GetRequiredService<AccountService>().EnsureAccountAsync("bench-qc", "质控", PortalRoles.QualityOfficer, "ZKK", Password, CancellationToken.None);
        using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = env.PortalUrl, Timeout = TimeSpan.FromMinutes(5) };
        await SignInAsync(http);

        var local = DateTime.UtcNow.AddHours(8);
        var yearFrom = local.AddDays(-365).ToString("yyyy-MM-dd");
        var today = local.ToString("yyyy-MM-dd");
        Console.WriteLine("series | requests | p50 ms | p95 ms | p99 ms | errors");
        await SeriesAsync(http, "dashboard, default 90 days", "api/v1/review/summary", requests);
        await SeriesAsync(http, "dashboard, one year (all rows)", $"api/v1/review/summary?from={yearFrom}&to={today}", requests);
        await SeriesAsync(http, "dashboard, one year, one department", $"api/v1/review/summary?from={yearFrom}&to={today}&department=XNK", requests);
        await SeriesAsync(http, "explorer page 3, dept + outcome + year", $"api/v1/review/decisions?from={yearFrom}&to={today}&department=XNK&outcome=decline&page=3", requests);
        await SeriesAsync(http, "explorer page 1, no filter, one year", $"api/v1/review/decisions?from={yearFrom}&to={today}", requests);
        await SeriesAsync(http, "explorer page 200, no filter, one year", $"api/v1/review/decisions?from={yearFrom}&to={today}&page=200", requests);

        Console.WriteLine("export | rows | seconds | bytes | peak managed heap growth MiB | peak working set growth MiB");
        foreach (var format in new[] { "xlsx", "csv" })
            await ExportAsync(http, format, $"api/v1/review/export?format={format}&from={local.AddDays(-366):yyyy-MM-dd}&to={today}", generation.Decisions);
    }

    private static async Task SeriesAsync(HttpClient http, string name, string url, int requests)
    {
        for (var i = 0; i < 3; i++) (await http.GetAsync(url)).EnsureSuccessStatusCode(); // warm-up
        var times = new List<double>(requests);
        var errors = 0;
        for (var i = 0; i < requests; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            sw.Stop();
            if (response.StatusCode != HttpStatusCode.OK) errors++;
            else times.Add(sw.Elapsed.TotalMilliseconds);
        }
        var p = Percentiles.Of(times, errors);
        Console.WriteLine($"{name} | {p.Count} | {p.P50:0.0} | {p.P95:0.0} | {p.P99:0.0} | {p.Errors}");
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
