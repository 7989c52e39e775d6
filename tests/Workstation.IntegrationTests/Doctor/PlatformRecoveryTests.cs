using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Platform;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Sandbox.Platform;

namespace Workstation.IntegrationTests.Doctor;

/// <summary>After an outage the badge and unchecked orders recover within seconds of the platform's return, although the
/// circuit breaker (15 s break here, as in production) is still open: the recovery probe closes it.</summary>
public sealed class PlatformRecoveryTests(PortalFixture fixture) : IClassFixture<PortalFixture>
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
    public async Task The_badge_turns_green_within_10_seconds_of_the_platform_returning()
    {
        await TakePlatformDownAsync("E-REC-1");

        fixture.Sandbox.Platform.Faults = PlatformFaults.None; // the fault switch: platform back
        var watch = Stopwatch.StartNew();
        BadgeState badge;
        do
        {
            await Task.Delay(250, Ct);
            badge = await Service<RecognitionService>().LoadBadgeAsync(Zhang("E-REC-1"), Ct); // what the badge's retry does
        }
        while (badge.Status != BadgeStatus.Available && watch.Elapsed < TimeSpan.FromSeconds(15));
        watch.Stop();

        TestContext.Current.SendDiagnosticMessage($"badge green {watch.ElapsedMilliseconds} ms after the platform returned");
        Assert.Equal(BadgeStatus.Available, badge.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_click_on_the_amber_badge_probes_past_the_open_breaker_and_rechecks_at_once()
    {
        await TakePlatformDownAsync("E-REC-2");
        fixture.Sandbox.Platform.Faults = PlatformFaults.None;

        var watch = Stopwatch.StartNew();
        var availability = Service<PlatformAvailability>();
        if (availability.IsDown) Assert.True(await availability.ProbeAsync(Ct)); // what RetryNowAsync does on a click
        var badge = await Service<RecognitionService>().LoadBadgeAsync(Zhang("E-REC-2"), Ct);
        watch.Stop();

        Assert.Equal(BadgeStatus.Available, badge.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
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
        var order = await rechecked.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        watch.Stop();

        TestContext.Current.SendDiagnosticMessage($"late duplicate raised {watch.ElapsedMilliseconds} ms after the platform returned");
        Assert.True(order.LateDuplicates);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed} (the periodic re-check is every 30 s)");

        var conflict = await Api().PostAsJsonAsync("/api/v1/orders/validate", validateBody, Ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("L001", problem.GetProperty("undecided")[0].GetProperty("lineId").GetString());

        await Service<DecisionService>().RecordAsync(Zhang("E-REC-3"), order.CheckId,
            [new DecisionInput("L001", DecisionChoices.Recognise, [], null)], Ct);
        Assert.Equal(HttpStatusCode.OK, (await Api().PostAsJsonAsync("/api/v1/orders/validate", validateBody, Ct)).StatusCode);
    }

    [Fact]
    public async Task An_unchecked_order_is_rechecked_once_when_several_passes_race_for_it()
    {
        await TakePlatformDownAsync("E-REC-4");
        var body = new
        {
            context = LaunchTests.Zhang("E-REC-4"), draftOrderId = "D-REC-4", stage = "add",
            items = new[] { new { lineId = "L001", itemCode = "L001" } },
        };
        var check = await (await Api().PostAsJsonAsync("/api/v1/orders/check", body, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("not-checked", check.GetProperty("status").GetString());

        var notices = 0;
        using var subscription = Service<RecheckNotifier>().Subscribe(o => { if (o.EncounterId == "E-REC-4") Interlocked.Increment(ref notices); });
        var recheck = fixture.Factory.Services.GetRequiredService<RecheckService>();
        fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        Assert.True(await Service<PlatformAvailability>().ProbeAsync(Ct)); // closes the breakers and wakes the background pass
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => recheck.RunOnceAsync(Ct))); // racing it, as other instances would
        await Task.Delay(1500, Ct);

        Assert.Equal(1, notices);
    }
}
