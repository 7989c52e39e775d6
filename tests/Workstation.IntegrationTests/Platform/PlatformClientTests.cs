using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Workstation.Platform;
using Workstation.Platform.Contract;
using Workstation.Sandbox.Demo;
using Workstation.Sandbox.Platform;

namespace Workstation.IntegrationTests.Platform;

public sealed class PlatformClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_returns_the_recognisable_reports_of_other_hospitals()
    {
        await using var h = await PlatformHarness.StartAsync();

        var list = await h.Client.ListAsync(PlatformHarness.Zhang, Ct);

        Assert.True(list.Count >= 3);
        Assert.Equal(list.Count, list.Items.Count(r => r.Recognisable));
        Assert.Contains(list.Items, r => !r.Recognisable); // expired results are listed, marked as no longer recognisable
        Assert.Contains(list.Items, r => r.ItemCode == "L001" && r.InstitutionName == DemoWorld.Institutions.First().Name);
        Assert.NotNull(list.PageUrl);
    }

    [Fact]
    public async Task The_simulator_takes_a_latency_spread_for_the_bench_and_refuses_a_negative_one()
    {
        await using var h = await PlatformHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = h.Sandbox.PlatformUrl };

        var refused = await http.PutAsJsonAsync("admin/faults", new { latencyMs = 50, jitterMs = -1 }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("jitterMs must be between 0 and 60000", await refused.Content.ReadAsStringAsync(Ct));

        (await http.PutAsJsonAsync("admin/faults", new { latencyMs = 50, jitterMs = 10 }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(PlatformFaults.None with { LatencyMs = 50, JitterMs = 10 }, h.Sandbox.Platform.Faults);
    }

    [Fact]
    public async Task Token_is_fetched_once_and_renewed_before_it_expires()
    {
        // Tokens live 2 h and are renewed 1 min before expiry, on the client's clock.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await PlatformHarness.StartAsync(new() { ["Platform:TokenRenewBefore"] = "00:01:00" }, clock);
        h.Sandbox.Platform.Faults = PlatformFaults.None with { TokenTtlSeconds = 7200 };

        await h.Client.ListAsync(PlatformHarness.Zhang, Ct);
        clock.Advance(TimeSpan.FromMinutes(118)); // still more than a minute left
        await h.Client.ListAsync(PlatformHarness.Zhang, Ct);
        Assert.Equal(1, h.Sandbox.Platform.Stats.TokensIssued);

        clock.Advance(TimeSpan.FromSeconds(61)); // within the last minute: renewed before it expires
        await h.Client.ListAsync(PlatformHarness.Zhang, Ct);

        Assert.Equal(2, h.Sandbox.Platform.Stats.TokensIssued);
        Assert.Equal(0, h.Sandbox.Platform.Stats.Unauthorized);
    }

    [Fact]
    public async Task A_token_the_platform_forgot_is_renewed_once_on_401()
    {
        await using var h = await PlatformHarness.StartAsync();
        await h.Client.ListAsync(PlatformHarness.Zhang, Ct);
        h.Sandbox.Platform.ExpireAllTokens();

        var list = await h.Client.ListAsync(PlatformHarness.Zhang, Ct);

        Assert.True(list.Count > 0);
        Assert.Equal(1, h.Sandbox.Platform.Stats.Unauthorized);
        Assert.Equal(2, h.Sandbox.Platform.Stats.TokensIssued);
    }

    [Fact]
    public async Task A_platform_that_always_answers_401_is_not_retried_in_a_loop()
    {
        await using var h = await PlatformHarness.StartAsync();
        h.Sandbox.Platform.Faults = PlatformFaults.None with { AlwaysUnauthorized = true };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));

        Assert.Equal(PlatformFailure.Unauthorized, ex.Failure);
        Assert.Equal(2, h.Sandbox.Platform.Stats.Unauthorized); // the first try and the one renewal, nothing more
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_unauthorized()
    {
        await using var h = await PlatformHarness.StartAsync(new() { ["Platform:Password"] = "wrong" });

        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));

        Assert.True(ex.Failure == PlatformFailure.Unauthorized, ex.ToString());
    }

    [Fact]
    public async Task Transient_5xx_is_retried_and_the_doctor_gets_the_answer()
    {
        await using var h = await PlatformHarness.StartAsync();
        h.Sandbox.Platform.Faults = PlatformFaults.None with { FailNextCalls = 2 };

        var list = await h.Client.ListAsync(PlatformHarness.Zhang, Ct);

        Assert.True(list.Count > 0);
        Assert.Equal(2, h.Sandbox.Platform.Stats.FaultsInjected);
        Assert.Equal(3, h.Sandbox.Platform.Stats.ApiCalls - h.Sandbox.Platform.Stats.TokensIssued);
    }

    [Fact]
    public async Task Persistent_5xx_gives_up_after_the_configured_retries()
    {
        await using var h = await PlatformHarness.StartAsync(new() { ["Platform:MaxRetries"] = "2" });
        h.Sandbox.Platform.Faults = PlatformFaults.None with { ErrorRate = 1 };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));

        Assert.Equal(PlatformFailure.Unavailable, ex.Failure);
        Assert.Equal(3, h.Sandbox.Platform.Stats.FaultsInjected);
    }

    [Fact]
    public async Task A_4xx_is_not_retried()
    {
        await using var h = await PlatformHarness.StartAsync();
        await h.Client.ProbeAsync(Ct);
        var callsBefore = h.Sandbox.Platform.Stats.ApiCalls;

        var unknownItem = new PreciseQueryRequest(PlatformHarness.Zhang, "X999", null, null, null);
        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.QueryAsync(unknownItem, Ct));

        Assert.Equal(PlatformFailure.Rejected, ex.Failure);
        Assert.Equal(1, h.Sandbox.Platform.Stats.ApiCalls - callsBefore);
    }

    [Fact]
    public async Task Circuit_opens_under_outage_and_recovers()
    {
        await using var h = await PlatformHarness.StartAsync(new()
        {
            ["Platform:MaxRetries"] = "0",
            ["Platform:MinimumThroughput"] = "4",
            ["Platform:SamplingDuration"] = "00:00:05",
            ["Platform:BreakDuration"] = "00:00:01",
        });
        await h.Client.ProbeAsync(Ct);
        h.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };

        for (var i = 0; i < 4; i++)
            await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));
        var callsWhenOpen = h.Sandbox.Platform.Stats.ApiCalls;
        var open = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));

        Assert.Equal(PlatformFailure.Unavailable, open.Failure);
        Assert.Contains("paused", open.Message);
        Assert.Equal(callsWhenOpen, h.Sandbox.Platform.Stats.ApiCalls); // rejected without reaching the platform

        // After the break (1 s) the breaker lets a call through again, and the platform is back.
        h.Sandbox.Platform.Faults = PlatformFaults.None;
        var list = await Eventually.ValueAsync(async () =>
        {
            try
            {
                return await h.Client.ListAsync(PlatformHarness.Zhang, Ct);
            }
            catch (PlatformException ex) when (ex.Failure == PlatformFailure.Unavailable)
            {
                return null; // still open
            }
        }, "the circuit to close after its break", cancellationToken: Ct);
        Assert.True(list.Count > 0);
    }

    [Fact]
    public async Task Every_call_is_bounded_by_the_request_budget()
    {
        await using var h = await PlatformHarness.StartAsync(new()
        {
            ["Platform:RequestBudget"] = "00:00:01",
            ["Platform:AttemptTimeout"] = "00:00:00.400",
        });
        await h.Client.ProbeAsync(Ct);
        // The platform answers only after 2 minutes: the call ends as a timeout long before (the test would wait out its
        // own deadline otherwise). How fast is the benchmarks' business, not this test's.
        h.Sandbox.Platform.Faults = PlatformFaults.None with { LatencyMs = 120_000 };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct).WaitAsync(Eventually.Deadline, Ct));

        Assert.Equal(PlatformFailure.Timeout, ex.Failure);
    }

    [Fact]
    public async Task Garbage_json_is_reported_as_malformed()
    {
        await using var h = await PlatformHarness.StartAsync();
        h.Sandbox.Platform.Faults = PlatformFaults.None with { MalformedJson = true };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));

        Assert.Equal(PlatformFailure.Malformed, ex.Failure);
    }

    [Fact]
    public async Task An_html_error_page_is_reported_plainly_not_parsed()
    {
        await using var h = await PlatformHarness.StartAsync(new() { ["Platform:MaxRetries"] = "1" });
        h.Sandbox.Platform.Faults = PlatformFaults.None with { HtmlErrors = true };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => h.Client.ListAsync(PlatformHarness.Zhang, Ct));

        Assert.Equal(PlatformFailure.Unavailable, ex.Failure);
        Assert.Contains("HTML", ex.Message);
    }

    [Fact]
    public async Task Order_check_marks_duplicates_per_line()
    {
        await using var h = await PlatformHarness.StartAsync();

        var results = await h.Client.CheckOrderAsync(PlatformHarness.Zhang,
            [new OrderCheckItem("line-1", "L001"), new OrderCheckItem("line-2", "L004"), new OrderCheckItem("line-3", "E010")], Ct);

        Assert.True(results.Single(r => r.LineId == "line-1").Duplicate);   // 血常规 2 days ago, valid 7 days
        Assert.False(results.Single(r => r.LineId == "line-2").Duplicate);  // 肝功能 expired
        Assert.False(results.Single(r => r.LineId == "line-3").Duplicate);  // never done
    }

    [Fact]
    public async Task A_report_comes_with_structured_results_and_a_real_pdf()
    {
        await using var h = await PlatformHarness.StartAsync();
        var list = await h.Client.ListAsync(PlatformHarness.Zhang, Ct);
        var cbc = list.Items.First(r => r.ItemCode == "L001");

        var report = await h.Client.GetReportAsync(cbc.ReportId, Ct);
        var pdf = await h.Client.GetReportPdfAsync(cbc.ReportId, Ct);

        Assert.NotEmpty(report.LabResults);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
    }
}
