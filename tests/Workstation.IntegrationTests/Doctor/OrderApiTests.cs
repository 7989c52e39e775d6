using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;
using Workstation.Sandbox.Platform;

namespace Workstation.IntegrationTests.Doctor;

public sealed class OrderApiTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Api()
    {
        var client = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);
        return client;
    }

    private T Service<T>() where T : notnull => fixture.Factory.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static object CheckBody(string encounter, string draft, string stage, params (string Line, string Item)[] items) => new
    {
        context = LaunchTests.Zhang(encounter),
        draftOrderId = draft,
        stage,
        items = items.Select(i => new { lineId = i.Line, itemCode = i.Item }),
    };

    private async Task<JsonElement> CheckAsync(object body)
    {
        var response = await Api().PostAsJsonAsync("/api/v1/orders/check", body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static JsonElement Line(JsonElement check, string lineId) =>
        check.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("lineId").GetString() == lineId);

    private async Task<IReadOnlyList<DecisionSummary>> DecideAsync(string encounter, string checkId, params DecisionInput[] inputs) =>
        await Service<DecisionService>().RecordAsync(LaunchTests.Zhang(encounter).ToContext("test-his"), checkId, inputs, Ct);

    private Task<HttpResponseMessage> ValidateAsync(string encounter, string draft, params (string Line, string Item, string? Token)[] items) =>
        Api().PostAsJsonAsync("/api/v1/orders/validate", new
        {
            encounterId = encounter, draftOrderId = draft,
            items = items.Select(i => new { lineId = i.Line, itemCode = i.Item, decisionToken = i.Token }),
        }, Ct);

    [Fact]
    public async Task Save_validation_answers_409_until_every_duplicate_is_decided_then_200()
    {
        var check = await CheckAsync(CheckBody("E-SAVE", "D-1", "save", ("1", "L001"), ("2", "E010")));
        Assert.Equal("duplicates", check.GetProperty("status").GetString());
        Assert.True(Line(check, "1").GetProperty("duplicate").GetBoolean());
        Assert.False(Line(check, "2").GetProperty("duplicate").GetBoolean());
        Assert.StartsWith("http://localhost/launch?code=", check.GetProperty("decisionUrl").GetString());

        var conflict = await ValidateAsync("E-SAVE", "D-1", ("1", "L001", null), ("2", "E010", null));
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("1", problem.GetProperty("undecided")[0].GetProperty("lineId").GetString());

        var decisions = await DecideAsync("E-SAVE", check.GetProperty("checkId").GetString()!,
            new DecisionInput("1", DecisionChoices.Decline, [DeclineReasons.ConditionChanged, DeclineReasons.Other], "发热加重，需复查"));
        var ok = await ValidateAsync("E-SAVE", "D-1", ("1", "L001", decisions[0].DecisionToken), ("2", "E010", null));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var stored = await Api().GetFromJsonAsync<JsonElement>("/api/v1/encounters/E-SAVE/decisions", Ct);
        var decision = stored.EnumerateArray().Single();
        Assert.Equal("D-1", decision.GetProperty("draftOrderId").GetString());
        Assert.Equal("1", decision.GetProperty("lineId").GetString());
        Assert.Equal(["CONDITION_CHANGED", "OTHER"], decision.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("发热加重，需复查", decision.GetProperty("freeText").GetString());
        Assert.Equal("D001", decision.GetProperty("doctorId").GetString());
        Assert.Equal("outpatient", decision.GetProperty("setting").GetString());
    }

    [Fact]
    public async Task A_wrong_decision_token_does_not_validate()
    {
        var check = await CheckAsync(CheckBody("E-TOKEN", "D-2", "add", ("1", "L001")));
        await DecideAsync("E-TOKEN", check.GetProperty("checkId").GetString()!, new DecisionInput("1", DecisionChoices.Recognise, [], null));

        var response = await ValidateAsync("E-TOKEN", "D-2", ("1", "L001", "dt_forged"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Recognising_downloads_and_keeps_the_report_with_the_encounter()
    {
        var check = await CheckAsync(CheckBody("E-KEEP", "D-3", "add", ("ct", "E002")));
        var decided = await DecideAsync("E-KEEP", check.GetProperty("checkId").GetString()!, new DecisionInput("ct", DecisionChoices.Recognise, [], null));

        Assert.Equal(RetainStatuses.Retained, decided.Single().RetainStatus);
        var reports = await Api().GetFromJsonAsync<JsonElement>("/api/v1/encounters/E-KEEP/reports", Ct);
        var report = reports.EnumerateArray().Single();
        Assert.Equal("E002", report.GetProperty("itemCode").GetString());
        Assert.False(string.IsNullOrEmpty(report.GetProperty("detail").GetProperty("impression").GetString()));
        var pdf = await Api().GetByteArrayAsync(report.GetProperty("pdfUrl").GetString(), Ct);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(pdf, 0, 4));
    }

    [Fact]
    public async Task Decisions_are_idempotent_per_encounter_item_and_report()
    {
        var first = await CheckAsync(CheckBody("E-IDEM", "D-4", "add", ("1", "L001")));
        var a = await DecideAsync("E-IDEM", first.GetProperty("checkId").GetString()!, new DecisionInput("1", DecisionChoices.Recognise, [], null));
        var again = await DecideAsync("E-IDEM", first.GetProperty("checkId").GetString()!, new DecisionInput("1", DecisionChoices.Decline, [DeclineReasons.PatientRequest], null));
        var recheck = await CheckAsync(CheckBody("E-IDEM", "D-4", "save", ("1", "L001")));

        Assert.Equal(a.Single().DecisionToken, again.Single().DecisionToken);
        Assert.Equal(DecisionChoices.Recognise, again.Single().Choice);
        Assert.True(Line(recheck, "1").GetProperty("decided").GetBoolean());
        Assert.Equal(JsonValueKind.Null, recheck.GetProperty("decisionUrl").ValueKind);
        var stored = await Api().GetFromJsonAsync<JsonElement>("/api/v1/encounters/E-IDEM/decisions", Ct);
        Assert.Single(stored.EnumerateArray());
    }

    [Theory]
    [InlineData("decline", "", null, "Decision.NeedReason")]
    [InlineData("decline", "OTHER", "  ", "Decision.NeedOtherText")]
    [InlineData("decline", "NOT_A_REASON", null, "Decision.UnknownReason")]
    [InlineData("maybe", "", null, "choice must be")]
    public async Task Incomplete_declines_are_refused_and_nothing_is_stored(string choice, string reasons, string? text, string expected)
    {
        var encounter = "E-BAD-" + Guid.NewGuid().ToString("N")[..6];
        var check = await CheckAsync(CheckBody(encounter, "D-5", "add", ("1", "L001")));

        var ex = await Assert.ThrowsAsync<OrderInputException>(() => DecideAsync(encounter, check.GetProperty("checkId").GetString()!,
            new DecisionInput("1", choice, reasons.Length == 0 ? [] : reasons.Split(','), text)));

        Assert.Contains(expected, ex.Message);
        Assert.Empty((await Api().GetFromJsonAsync<JsonElement>($"/api/v1/encounters/{encounter}/decisions", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task A_note_longer_than_200_characters_is_refused()
    {
        var check = await CheckAsync(CheckBody("E-LONG", "D-6", "add", ("1", "L001")));

        var ex = await Assert.ThrowsAsync<OrderInputException>(() => DecideAsync("E-LONG", check.GetProperty("checkId").GetString()!,
            new DecisionInput("1", DecisionChoices.Decline, [DeclineReasons.Other], new string('病', 201))));

        Assert.Contains("TextTooLong", ex.Message);
    }

    [Theory]
    [InlineData("{\"context\":{},\"draftOrderId\":\"D\",\"stage\":\"add\",\"items\":[{\"lineId\":\"1\",\"itemCode\":\"L001\"}]}", "context.doctorId")]
    [InlineData("not json at all", null)]
    public async Task Malformed_payloads_get_problem_details(string body, string? title)
    {
        var response = await Api().PostAsync("/api/v1/orders/check", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (title is not null) Assert.Contains(title, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Unknown_item_codes_are_refused_and_nothing_is_stored()
    {
        var before = await CountChecksAsync();
        var response = await Api().PostAsJsonAsync("/api/v1/orders/check", CheckBody("E-UNK", "D-7", "add", ("1", "X999")), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown recognition item code 'X999'", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(before, await CountChecksAsync());
    }

    [Fact]
    public async Task With_the_platform_down_the_check_says_not_checked_within_the_budget_and_a_later_recheck_finds_the_duplicate()
    {
        // The platform answers only after 2 minutes: HIS gets "not checked" (Timeout) long before, at the 2 s budget
        // (without a budget this test would wait out its own deadline; speed itself is the benchmarks' business).
        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { LatencyMs = 120_000 };
        JsonElement check;
        try
        {
            check = await CheckAsync(CheckBody("E-DOWN", "D-8", "save", ("1", "L001"))).WaitAsync(Eventually.Deadline, Ct);
        }
        finally
        {
            fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        }

        Assert.Equal("not-checked", check.GetProperty("status").GetString());
        Assert.Equal("Timeout", check.GetProperty("reason").GetString());
        var validate = await ValidateAsync("E-DOWN", "D-8", ("1", "L001", null));
        Assert.Equal(HttpStatusCode.OK, validate.StatusCode);
        Assert.Equal("not-checked", (await validate.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());

        var notified = new List<string>();
        using var subscription = Service<RecheckNotifier>().Subscribe(o => { if (o.LateDuplicates) notified.Add(o.EncounterId); });
        var late = await fixture.Factory.Services.GetRequiredService<RecheckService>().RunOnceAsync(Ct);

        Assert.True(late >= 1);
        Assert.Contains("E-DOWN", notified);
        var factory = fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        var stored = await db.OrderChecks.SingleAsync(c => c.Id == check.GetProperty("checkId").GetString(), Ct);
        Assert.Equal(OrderCheckStatus.LateDuplicates, stored.Status);
    }

    [Fact]
    public async Task A_new_recognition_retained_by_the_dialog_and_the_recheck_pass_at_once_keeps_one_report_and_fails_neither()
    {
        // The dialog retains the report right after saving a 互认 decision while the re-check pass retains every pending
        // one: both read "not kept yet" (the platform is slow), and the second insert used to throw out of the dialog's
        // save ("not saved", though it was).
        var report = fixture.Sandbox.Platform.ReportsFor(Workstation.Sandbox.Demo.DemoWorld.FindByHisId("P1001")!.Identity,
            Workstation.Sandbox.Demo.DemoWorld.Home.Code).First(r => r.Recognisable);
        var factory = fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var decision = new RecognitionDecision
        {
            DecisionToken = Guid.NewGuid().ToString("N"), ClientId = "test-his", EncounterId = "E-RETAIN-RACE", DraftOrderId = "D-RACE", LineId = "1",
            ItemCode = report.ItemCode, ItemName = report.ItemName, ReportId = report.ReportId, ReportInstitution = report.InstitutionName,
            ReportDate = report.ReportDate, Choice = DecisionChoices.Recognise, ReasonCodes = "", DoctorId = "D001", DoctorName = "李医生",
            DepartmentCode = "NK", DepartmentName = "内科", PatientId = "P1001", PatientName = "张伟", Setting = "outpatient", Stage = "add",
            CheckId = "race", PresentedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow, RetainStatus = RetainStatuses.Pending,
        };
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            db.Decisions.Add(decision);
            await db.SaveChangesAsync(Ct);
        }

        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { LatencyMs = 300 };
        bool[] kept;
        try
        {
            // Two instances (each with its own downloads in flight) and two callers in each: in an instance the second
            // caller joins the first's download; across instances the second insert meets the unique key.
            DecisionService Instance(RetainFlights flights) => ActivatorUtilities.CreateInstance<DecisionService>(fixture.Factory.Services.CreateScope().ServiceProvider, flights);
            var (one, two) = (new RetainFlights(), new RetainFlights());
            kept = await Task.WhenAll(new[] { one, two, one, two }.Select(flights => Task.Run(() => Instance(flights).TryRetainAsync(decision.Id, Ct), Ct)));
        }
        finally
        {
            fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        }

        Assert.All(kept, Assert.True);
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            Assert.Equal(1, await db.RetainedReports.CountAsync(r => r.EncounterId == "E-RETAIN-RACE", Ct));
            Assert.Equal(RetainStatuses.Retained, (await db.Decisions.AsNoTracking().SingleAsync(d => d.Id == decision.Id, Ct)).RetainStatus);
        }
    }

    private async Task<int> CountChecksAsync()
    {
        var factory = fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        return await db.OrderChecks.CountAsync(Ct);
    }
}
