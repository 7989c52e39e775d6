using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Testing;
using Workstation.Platform;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Sandbox.Platform;

namespace Workstation.IntegrationTests.Doctor;

/// <summary>The circuit breaker's break and the periodic re-check are far longer here than any test waits, so what brings
/// the platform back in these tests can only be the recovery probe (every 2 s) and the re-check it wakes.</summary>
public class RecoveryFixture : PortalFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Platform:BreakDuration"] = "00:10:00",
        ["Orders:RecheckInterval"] = "01:00:00",
    };
}

/// <summary>As <see cref="RecoveryFixture"/>, with no background re-check worker: every re-check pass is the test's own.</summary>
public sealed class NoRecheckWorkerFixture : RecoveryFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>(base.Settings!) { ["Orders:RunRecheck"] = "false" };
}

/// <summary>After an outage the badge and unchecked orders recover although the circuit breaker is still open: the
/// recovery probe closes it (how fast is measured in Chromium by DoctorWorkflowTests' diagnostic, and in the benches).</summary>
public sealed class PlatformRecoveryTests(RecoveryFixture fixture) : IClassFixture<RecoveryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private T Service<T>() where T : notnull => fixture.Factory.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static LaunchContext Zhang(string encounter) => LaunchTests.Zhang(encounter).ToContext("test-his");

    private HttpClient Api()
    {
        var client = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        return client;
    }

    private async Task TakePlatformDownAsync(string encounter)
    {
        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        // Enough failed calls to open the breaker (minimum throughput 5, failure ratio 0.5).
        for (var i = 0; i < 4; i++)
            Assert.Equal(BadgeStatus.NotChecked, (await Service<RecognitionService>().LoadBadgeAsync(Zhang(encounter), Ct)).Status);
        Assert.True(Service<PlatformAvailability>().IsDown);
    }

    [Fact]
    public async Task The_badge_turns_green_when_the_platform_returns_although_the_breaker_is_still_open()
    {
        await TakePlatformDownAsync("E-REC-1");

        fixture.Sandbox.Platform.Faults = PlatformFaults.None; // the fault switch: platform back
        var watch = Stopwatch.StartNew();
        await Eventually.UntilAsync(async () =>
            (await Service<RecognitionService>().LoadBadgeAsync(Zhang("E-REC-1"), Ct)).Status == BadgeStatus.Available, // what the badge's retry does
            "the badge to turn green (the 10 min break cannot have ended: only the probe closes the breaker)", cancellationToken: Ct);

        TestContext.Current.SendDiagnosticMessage($"badge green {watch.ElapsedMilliseconds} ms after the platform returned");
    }

    [Fact]
    public async Task A_click_on_the_amber_badge_probes_past_the_open_breaker_and_rechecks_at_once()
    {
        await TakePlatformDownAsync("E-REC-2");
        fixture.Sandbox.Platform.Faults = PlatformFaults.None;

        var availability = Service<PlatformAvailability>();
        if (availability.IsDown) Assert.True(await availability.ProbeAsync(Ct)); // what RetryNowAsync does on a click
        var badge = await Service<RecognitionService>().LoadBadgeAsync(Zhang("E-REC-2"), Ct);

        Assert.Equal(BadgeStatus.Available, badge.Status); // at once, the breaker's 10 min break notwithstanding
    }

    [Fact]
    public async Task A_line_added_during_an_outage_is_rechecked_when_the_platform_returns_then_409_until_decided_then_200()
    {
        await TakePlatformDownAsync("E-REC-3");
        var body = new
        {
            context = LaunchTests.Zhang("E-REC-3"), draftOrderId = "D-REC", stage = "add",
            items = new[] { new { lineId = "L001", itemCode = "L001" } },
        };
        var check = await (await Api().PostAsJsonAsync("/api/v1/orders/check", body, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("not-checked", check.GetProperty("status").GetString());
        var validateBody = new { encounterId = "E-REC-3", draftOrderId = "D-REC", items = new[] { new { lineId = "L001", itemCode = "L001" } } };
        Assert.Equal(HttpStatusCode.OK, (await Api().PostAsJsonAsync("/api/v1/orders/validate", validateBody, Ct)).StatusCode);

        var rechecked = new TaskCompletionSource<RecheckedOrder>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Service<RecheckNotifier>().Subscribe(o => { if (o.EncounterId == "E-REC-3") rechecked.TrySetResult(o); });
        fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        var watch = Stopwatch.StartNew();
        // The periodic re-check is hourly here: only the recovery waking it can raise the late duplicate in time.
        var order = await rechecked.Task.WaitAsync(Eventually.Deadline, Ct);

        TestContext.Current.SendDiagnosticMessage($"late duplicate raised {watch.ElapsedMilliseconds} ms after the platform returned");
        Assert.True(order.LateDuplicates);

        var conflict = await Api().PostAsJsonAsync("/api/v1/orders/validate", validateBody, Ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("L001", problem.GetProperty("undecided")[0].GetProperty("lineId").GetString());

        await Service<DecisionService>().RecordAsync(Zhang("E-REC-3"), order.CheckId,
            [new DecisionInput("L001", DecisionChoices.Recognise, [], null)], Ct);
        Assert.Equal(HttpStatusCode.OK, (await Api().PostAsJsonAsync("/api/v1/orders/validate", validateBody, Ct)).StatusCode);
    }

}

/// <summary>Several re-check passes (as on several instances) racing for one unchecked order.</summary>
public sealed class RecheckRaceTests(NoRecheckWorkerFixture fixture) : IClassFixture<NoRecheckWorkerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unchecked_order_is_rechecked_once_when_several_passes_race_for_it()
    {
        var services = fixture.Factory.Services.CreateScope().ServiceProvider;
        var context = LaunchTests.Zhang("E-REC-4").ToContext("test-his");
        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        for (var i = 0; i < 4; i++)
            Assert.Equal(BadgeStatus.NotChecked, (await services.GetRequiredService<RecognitionService>().LoadBadgeAsync(context, Ct)).Status);
        var api = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        var body = new
        {
            context = LaunchTests.Zhang("E-REC-4"), draftOrderId = "D-REC-4", stage = "add",
            items = new[] { new { lineId = "L001", itemCode = "L001" } },
        };
        var check = await (await api.PostAsJsonAsync("/api/v1/orders/check", body, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("not-checked", check.GetProperty("status").GetString());

        var notices = 0;
        using var subscription = services.GetRequiredService<RecheckNotifier>().Subscribe(o => { if (o.EncounterId == "E-REC-4") Interlocked.Increment(ref notices); });
        var recheck = fixture.Factory.Services.GetRequiredService<RecheckService>();
        fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        // Closes the breakers. A background probe started while the platform was still down may be in flight, and a probe
        // that finds one running takes its answer: probe until one of this test's own succeeds.
        await Eventually.UntilAsync(() => services.GetRequiredService<PlatformAvailability>().ProbeAsync(Ct), "a probe to find the platform back",
            cancellationToken: Ct);
        // Three passes at once, as three instances would run them; no background worker here, so every pass is awaited.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => recheck.RunOnceAsync(Ct)));

        Assert.Equal(1, notices);
    }
}
