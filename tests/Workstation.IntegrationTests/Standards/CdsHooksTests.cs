using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Audit;
using Workstation.Portal.CdsHooks;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;
using Workstation.Sandbox.Platform;
using Workstation.Testing;

namespace Workstation.IntegrationTests.Standards;

/// <summary>The CDS Hooks 2.0 service driven as an EHR drives it: the specification's JSON shapes, ES384 client JWTs whose
/// JWK Set the portal fetches from the EHR, cards, feedback, and what is refused.</summary>
public sealed class CdsHooksTests(CdsFixture fixture) : IClassFixture<CdsFixture>
{
    private const string Select = "/cds-services/workstation-order-select";
    private const string Sign = "/cds-services/workstation-order-sign";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestEhr Ehr => fixture.Ehr;

    private HttpClient Client() => fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A hook request as the specification shows it: draft ServiceRequests (one 血常规 coded in LOINC, one
    /// chest X-ray in the catalogue's own system, one item the catalogue does not know), the prefetched Patient.</summary>
    public static JsonObject HookRequest(string hook, string patientId, string? encounterId, bool prefetch = true, string[]? selections = null,
        string cbcId = "sr-cbc")
    {
        var draft = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "collection",
            ["entry"] = new JsonArray(
                Entry(cbcId, "http://loinc.org", "58410-2", "CBC panel - Blood by Automated count"),
                Entry("sr-unknown", "http://loinc.org", "2345-7", "Glucose [Mass/volume] in Serum or Plasma"),
                Entry("sr-med", null, null, null, "MedicationRequest")),
        };
        var context = new JsonObject { ["userId"] = "Practitioner/D001", ["patientId"] = patientId, ["draftOrders"] = draft };
        if (encounterId is not null) context["encounterId"] = encounterId;
        if (hook == "order-select") context["selections"] = new JsonArray((selections ?? [$"ServiceRequest/{cbcId}"]).Select(s => (JsonNode)s!).ToArray());
        var body = new JsonObject { ["hook"] = hook, ["hookInstance"] = Guid.NewGuid().ToString(), ["context"] = context };
        if (prefetch) body["prefetch"] = new JsonObject { ["patient"] = JsonNode.Parse(TestEhr.PatientJson(patientId)) };
        return body;
    }

    private static JsonObject Entry(string id, string? system, string? code, string? display, string type = "ServiceRequest")
    {
        var resource = new JsonObject { ["resourceType"] = type, ["id"] = id, ["status"] = "draft", ["intent"] = "order", ["subject"] = new JsonObject { ["reference"] = "Patient/P1001" } };
        if (type == "ServiceRequest")
            resource["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code, ["display"] = display }) };
        else
            resource["medicationCodeableConcept"] = new JsonObject { ["text"] = "阿莫西林" };
        return new JsonObject { ["resource"] = resource };
    }

    private async Task<HttpResponseMessage> PostAsync(string path, JsonNode body, string? token = null, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Ehr.Token("http://localhost" + path));
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await Client().SendAsync(request, Ct);
    }

    private async Task<JsonElement> CardsAsync(string path, JsonNode body, string? language = null)
    {
        var response = await PostAsync(path, body, language: language);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("cards");
    }

    private static JsonObject Overridden(string card, string code, string? comment = null) => new()
    {
        ["feedback"] = new JsonArray(new JsonObject
        {
            ["card"] = card, ["outcome"] = "overridden", ["outcomeTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["overrideReason"] = new JsonObject
            {
                ["reason"] = new JsonObject { ["code"] = code, ["system"] = CdsServices.DeclineReasonSystem },
                ["userComment"] = comment,
            },
        }),
    };

    private static JsonObject Accepted(string card) => new()
    {
        ["feedback"] = new JsonArray(new JsonObject
        {
            ["card"] = card, ["outcome"] = "accepted", ["outcomeTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = "s-" + card }),
        }),
    };

    private async Task<List<RecognitionDecision>> DecisionsAsync(string encounter)
    {
        await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        return await db.Decisions.AsNoTracking().Where(d => d.EncounterId == encounter).ToListAsync(Ct);
    }

    [Fact]
    public async Task Discovery_lists_the_order_select_and_order_sign_services_with_the_patient_prefetch()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Ehr.Token("http://localhost/cds-services"));
        var response = await Client().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var services = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["order-select", "order-sign"], services.Select(s => s.GetProperty("hook").GetString()));
        Assert.Equal(["workstation-order-select", "workstation-order-sign"], services.Select(s => s.GetProperty("id").GetString()));
        Assert.All(services, s =>
        {
            Assert.Equal("Patient/{{context.patientId}}", s.GetProperty("prefetch").GetProperty("patient").GetString());
            Assert.False(string.IsNullOrEmpty(s.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrEmpty(s.GetProperty("description").GetString()));
        });
    }

    [Fact]
    public async Task Order_select_gives_a_warning_card_for_the_duplicate_and_overridden_feedback_becomes_a_coded_decline()
    {
        var cards = await CardsAsync(Select, HookRequest("order-select", "P1001", "E-CDS-1"));

        var card = Assert.Single(cards.EnumerateArray()); // the glucose order is unknown to the catalogue: no card, no error
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        var summary = card.GetProperty("summary").GetString()!;
        Assert.True(summary.Length < 140);
        Assert.Contains("血常规", summary);
        Assert.Equal("检查检验结果互认工作站", card.GetProperty("source").GetProperty("label").GetString());
        Assert.StartsWith("http://localhost", card.GetProperty("source").GetProperty("url").GetString());
        var detail = card.GetProperty("detail").GetString()!;
        Assert.Contains("报告日期", detail);
        Assert.Contains("互认有效期至", detail);
        Assert.Contains("主要结果", detail);
        Assert.Equal("at-most-one", card.GetProperty("selectionBehavior").GetString());
        var suggestion = Assert.Single(card.GetProperty("suggestions").EnumerateArray());
        Assert.Equal("互认 / recognise", suggestion.GetProperty("label").GetString());
        var action = Assert.Single(suggestion.GetProperty("actions").EnumerateArray());
        Assert.Equal("delete", action.GetProperty("type").GetString());
        Assert.Equal("ServiceRequest/sr-cbc", action.GetProperty("resourceId").GetString());
        var reasons = card.GetProperty("overrideReasons").EnumerateArray().ToList();
        Assert.Equal(DeclineReasons.All, reasons.Select(r => r.GetProperty("code").GetString()));
        Assert.All(reasons, r => Assert.Equal(CdsServices.DeclineReasonSystem, r.GetProperty("system").GetString()));
        Assert.Equal("病情变化", reasons[0].GetProperty("display").GetString());
        Assert.False(card.TryGetProperty("systemActions", out _));

        // Two links for the card's doctor and patient: the report (the embedded portal opened on it) and the decision
        // page for the check. Each click issues a fresh one-time launch code, so a link still works when the clinician
        // clicks it minutes later, or again.
        var uuid = card.GetProperty("uuid").GetString()!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uuid);
        var links = card.GetProperty("links").EnumerateArray().ToList();
        Assert.Equal(["查看报告：血常规（" + CardInstitution(card) + "）", "在互认工作站决定：互认或不互认"], links.Select(l => l.GetProperty("label").GetString()));
        Assert.All(links, l => Assert.Equal("absolute", l.GetProperty("type").GetString()));
        Assert.Equal([$"http://localhost/cds/cards/{uuid}/report", $"http://localhost/cds/cards/{uuid}/decide"], links.Select(l => l.GetProperty("url").GetString()));
        string reportId, checkId;
        await using (var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
            (reportId, checkId) = await db.CdsCards.Where(c => c.Uuid == uuid).Select(c => ValueTuple.Create(c.ReportId, c.CheckId)).SingleAsync(Ct);
        var reportLink = links[0].GetProperty("url").GetString()!;
        Assert.StartsWith($"/embed?report={Uri.EscapeDataString(reportId)}&s=", await OpenAsync(reportLink));
        Assert.StartsWith($"/embed?report={Uri.EscapeDataString(reportId)}&s=", await OpenAsync(reportLink)); // again
        Assert.StartsWith($"/decide?check={Uri.EscapeDataString(checkId)}&s=", await OpenAsync(links[1].GetProperty("url").GetString()!));

        var feedback = await PostAsync(Select + "/feedback", Overridden(uuid, DeclineReasons.ConditionChanged));
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Select + "/feedback", Overridden(uuid, DeclineReasons.ConditionChanged))).StatusCode); // again: the same

        var decision = Assert.Single(await DecisionsAsync("E-CDS-1"));
        Assert.Equal(DecisionChoices.Decline, decision.Choice);
        Assert.Equal(DeclineReasons.ConditionChanged, decision.ReasonCodes);
        Assert.Equal("test-ehr", decision.ClientId);
        Assert.Equal("D001", decision.DoctorId);
        Assert.Equal("NK", decision.DepartmentCode);
        Assert.Equal("sr-cbc", decision.LineId);
        Assert.Equal(CheckChannels.CdsHooks, decision.Channel);
        Assert.Equal("L001", decision.ItemCode);

        // The decision is in the quality review with its channel.
        var qc = await PortalFixture.SignedInAsync(fixture.Factory, "qc");
        var review = await qc.GetFromJsonAsync<JsonElement>($"/api/v1/review/decisions/{decision.Id}", Ct);
        Assert.Contains("\"channel\":\"cds-hooks\"", review.GetRawText());
    }

    /// <summary>The institution named in the card's detail (its first line: **item** — institution).</summary>
    private static string CardInstitution(JsonElement card) =>
        card.GetProperty("detail").GetString()!.Split('\n')[0].Split(" — ")[1];

    /// <summary>Follows a card link (to a fresh one-time launch code, then the launch) and returns where the portal sends
    /// the browser.</summary>
    private async Task<string> OpenAsync(string url)
    {
        var response = await Client().GetAsync(new Uri(url).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var launch = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/launch?code=", launch);
        var opened = await Client().GetAsync(launch, Ct);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        return opened.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task A_card_answer_says_how_long_the_client_jwt_check_the_platform_and_the_commit_took()
    {
        var response = await PostAsync(Select, HookRequest("order-select", "P1001", "E-CDS-TIMING"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (header, phases) = ServerTimingTests.Phases(response);
        Assert.Equal(["auth", "platform", "store", "app"], phases.Keys);
        Assert.All(phases.Values, ms => Assert.True(ms > 0, header));
        Assert.True(phases["auth"] + phases["platform"] + phases["store"] <= phases["app"], header);
    }

    [Fact]
    public async Task A_card_link_of_an_unknown_or_expired_card_says_so_in_plain_words_and_opens_nothing()
    {
        var unknown = await Client().GetAsync($"/cds/cards/{Guid.NewGuid()}/report", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("卡片链接无效", await unknown.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await Client().GetAsync($"/cds/cards/{Guid.NewGuid()}/delete", Ct)).StatusCode);

        var card = Assert.Single((await CardsAsync(Select, HookRequest("order-select", "P1001", "E-CDS-LINK-OLD"))).EnumerateArray());
        var uuid = card.GetProperty("uuid").GetString()!;
        await using (var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            // Made 13 hours ago (CdsHooks:CardLinkLifetime is 12 h).
            await db.CdsCards.Where(c => c.Uuid == uuid).ExecuteUpdateAsync(u => u.SetProperty(c => c.CreatedAt, DateTime.UtcNow.AddHours(-13)), Ct);
        }
        var expired = await Client().GetAsync(new Uri(card.GetProperty("links")[0].GetProperty("url").GetString()!).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        var page = await expired.Content.ReadAsStringAsync(Ct);
        Assert.Contains("卡片链接已过期（卡片生成已超过 12 小时）", page);
        Assert.Contains("重新选择或签署医嘱", page);
    }

    [Fact]
    public async Task Order_sign_repeats_the_card_until_accepted_feedback_records_the_recognition_and_retains_the_report()
    {
        var body = HookRequest("order-sign", "P1001", "E-CDS-2");
        var first = Assert.Single((await CardsAsync(Sign, body)).EnumerateArray());
        var again = Assert.Single((await CardsAsync(Sign, HookRequest("order-sign", "P1001", "E-CDS-2"))).EnumerateArray());
        Assert.Equal(first.GetProperty("summary").GetString(), again.GetProperty("summary").GetString());
        Assert.Equal("ServiceRequest/sr-cbc", again.GetProperty("suggestions")[0].GetProperty("actions")[0].GetProperty("resourceId").GetString());

        var accepted = await PostAsync(Sign + "/feedback", Accepted(again.GetProperty("uuid").GetString()!));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        var decision = Assert.Single(await DecisionsAsync("E-CDS-2"));
        Assert.Equal(DecisionChoices.Recognise, decision.Choice);
        Assert.Equal(RetainStatuses.Retained, decision.RetainStatus);
        Assert.Equal(CheckChannels.CdsHooks, decision.Channel);
        Assert.Empty((await CardsAsync(Sign, HookRequest("order-sign", "P1001", "E-CDS-2"))).EnumerateArray()); // decided: no card
        // The first card of the same line now answers with the decision already made (the first decision stands).
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Sign + "/feedback", Overridden(first.GetProperty("uuid").GetString()!, DeclineReasons.Emergency))).StatusCode);
        Assert.Equal(DecisionChoices.Recognise, Assert.Single(await DecisionsAsync("E-CDS-2")).Choice);
    }

    [Fact]
    public async Task Cards_are_in_english_when_the_ehr_asks_for_english()
    {
        var card = Assert.Single((await CardsAsync(Select, HookRequest("order-select", "P1001", "E-CDS-EN"), language: "en-GB,en;q=0.9")).EnumerateArray());
        Assert.Contains("recognisable result", card.GetProperty("summary").GetString());
        Assert.Contains("Report date", card.GetProperty("detail").GetString());
        Assert.Equal("Condition changed", card.GetProperty("overrideReasons")[0].GetProperty("display").GetString());
    }

    [Fact]
    public async Task The_patient_comes_from_the_ehrs_fhir_server_when_not_prefetched_and_412_when_neither_is_available()
    {
        var without = HookRequest("order-select", "P1001", "E-CDS-412", prefetch: false);
        var refused = await PostAsync(Select, without);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Contains("prefetch.patient", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());

        var fetched = HookRequest("order-select", "P1001", "E-CDS-FHIR", prefetch: false);
        fetched["fhirServer"] = Ehr.FhirServer;
        fetched["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = TestEhr.FhirToken, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/Patient.read", ["subject"] = "cds-service",
        };
        Assert.Single((await CardsAsync(Select, fetched)).EnumerateArray());

        fetched["hookInstance"] = Guid.NewGuid().ToString();
        fetched["fhirAuthorization"]!["access_token"] = "wrong";
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PostAsync(Select, fetched)).StatusCode);
    }

    [Fact]
    public async Task Feedback_other_needs_a_comment_and_an_unknown_card_or_reason_is_a_plain_400()
    {
        var card = Assert.Single((await CardsAsync(Select, HookRequest("order-select", "P1001", "E-CDS-OTHER"))).EnumerateArray()).GetProperty("uuid").GetString()!;

        var noComment = await PostAsync(Select + "/feedback", Overridden(card, DeclineReasons.Other));
        Assert.Equal(HttpStatusCode.BadRequest, noComment.StatusCode);
        Assert.Contains("userComment", (await noComment.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Empty(await DecisionsAsync("E-CDS-OTHER"));

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(Select + "/feedback", Overridden(Guid.NewGuid().ToString(), DeclineReasons.Emergency))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(Select + "/feedback", Overridden(card, "TOO_EXPENSIVE"))).StatusCode);
        Assert.Empty(await DecisionsAsync("E-CDS-OTHER"));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Select + "/feedback", Overridden(card, DeclineReasons.Other, "患者对外院结果有疑问"))).StatusCode);
        var decision = Assert.Single(await DecisionsAsync("E-CDS-OTHER"));
        Assert.Equal("患者对外院结果有疑问", decision.FreeText);
    }

    [Fact]
    public async Task When_the_platform_is_down_an_info_card_says_so_and_the_check_is_recorded_as_not_checked()
    {
        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { Outage = true };
        try
        {
            var card = Assert.Single((await CardsAsync(Select, HookRequest("order-select", "P1001", "E-CDS-DOWN"))).EnumerateArray());
            Assert.Equal("info", card.GetProperty("indicator").GetString());
            Assert.Contains("未能核验", card.GetProperty("summary").GetString());
            await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            var check = await db.OrderChecks.AsNoTracking().SingleAsync(c => c.EncounterId == "E-CDS-DOWN", Ct);
            Assert.True(check.WasNotChecked);
            Assert.Equal(CheckChannels.CdsHooks, check.Channel);
        }
        finally
        {
            fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        }
    }

    public static TheoryData<string> BadTokens() => ["none", "hs256", "wrong-aud", "expired", "too-long", "unknown-iss", "jku", "signature", "missing", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_jwt_is_refused_with_401_audited_and_nothing_is_stored(string bad)
    {
        var audience = "http://localhost" + Select;
        var encounter = "E-CDS-BAD-" + bad;
        var token = bad switch
        {
            "none" => Ehr.UnsignedToken(audience),
            "hs256" => Ehr.HmacToken(audience),
            "wrong-aud" => Ehr.Token("http://localhost" + Sign),
            "expired" => Ehr.Token(audience, issuedAt: DateTime.UtcNow.AddMinutes(-10)),
            "too-long" => Ehr.Token(audience, lifetime: TimeSpan.FromHours(2)),
            "unknown-iss" => Ehr.Token(audience, issuer: "https://other-ehr.example"),
            "jku" => Ehr.Token(audience, jku: "https://attacker.example/jwks.json"),
            "signature" => Ehr.ForgedToken(audience),
            "missing" => "",
            _ => "not.a.jwt",
        };
        var sent = DateTime.UtcNow.AddSeconds(-1);
        var response = await PostAsync(Select, HookRequest("order-select", "P1001", encounter), token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("A valid client JWT is required.", problem.GetProperty("detail").GetString()); // no detail leaked
        await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.False(await db.OrderChecks.AnyAsync(c => c.EncounterId == encounter, Ct));
        await Eventually.UntilAsync(() => db.AuditEvents.AnyAsync(a => a.Action == "cds.refused" && a.Subject == Select && a.At >= sent, Ct),
            "the refusal to be audited (written behind the answer)", cancellationToken: Ct);
    }

    [Fact]
    public async Task A_replayed_jti_is_refused_and_a_rotated_key_is_fetched_once()
    {
        var token = Ehr.Token("http://localhost" + Select);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Select, HookRequest("order-select", "P1001", "E-CDS-REPLAY"), token: token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Select, HookRequest("order-select", "P1001", "E-CDS-REPLAY-2"), token: token)).StatusCode);

        Ehr.RotateKey();
        var before = Ehr.JwksFetches;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Select, HookRequest("order-select", "P1001", "E-CDS-ROTATED"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Select, HookRequest("order-select", "P1001", "E-CDS-ROTATED"))).StatusCode);
        Assert.Equal(before + 1, Ehr.JwksFetches);
    }

    [Fact]
    public async Task A_jti_stored_by_another_instance_or_before_a_restart_is_refused()
    {
        var services = fixture.Factory.Services;
        var now = DateTime.UtcNow;
        var clock = new FakeTimeProvider(now.AddMinutes(-2)); // the instance below starts remembering two minutes ago
        CdsClientAuthenticator Instance(string storage) => new(
            services.GetRequiredService<IOptionsMonitor<CdsHooksOptions>>(), services.GetRequiredService<JwksCache>(),
            services.GetRequiredService<CdsSignatureCrypto>(), Options.Create(new StorageOptions { Provider = storage }),
            services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), services.GetRequiredService<GroupCommitWriter>(),
            clock, NullLogger<CdsClientAuthenticator>.Instance);
        var sqlite = Instance("Sqlite");
        var postgres = Instance("Postgres");
        clock.SetUtcNow(now);

        // Accepted elsewhere (another instance, or this one before it restarted) and written behind that answer.
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        string Stored(DateTime issuedAt)
        {
            var jti = Guid.NewGuid().ToString();
            db.CdsTokenUses.Add(new CdsTokenUse { Issuer = TestEhr.Issuer, Jti = jti, ExpiresAt = issuedAt.AddMinutes(5) });
            return jti;
        }
        var beforeStart = now.AddMinutes(-3);
        var olderToken = Ehr.Token("http://localhost" + Select, jti: Stored(beforeStart), issuedAt: beforeStart);
        var newerToken = Ehr.Token("http://localhost" + Select, jti: Stored(now), issuedAt: now);
        await db.SaveChangesAsync(Ct);

        async Task<CdsCaller> CallAsync(CdsClientAuthenticator instance, string token)
        {
            var http = new DefaultHttpContext();
            http.Request.Headers.Authorization = "Bearer " + token;
            return await instance.AuthenticateAsync(http.Request, Select, Ct);
        }
        // One instance (SQLite): a token issued before it started may have been used by its predecessor: the store says so.
        Assert.Equal("test-ehr: jti replayed", (await CallAsync(sqlite, olderToken)).Refusal);
        Assert.True((await CallAsync(sqlite, Ehr.Token("http://localhost" + Select, issuedAt: beforeStart))).Accepted); // not stored: fine
        // Several instances (PostgreSQL): any token may have been used by another, however new.
        Assert.Equal("test-ehr: jti replayed", (await CallAsync(postgres, newerToken)).Refusal);
        Assert.True((await CallAsync(postgres, Ehr.Token("http://localhost" + Select))).Accepted);
    }

    [Fact]
    public async Task A_jwks_url_that_does_not_answer_in_time_means_401_not_a_hang()
    {
        Ehr.RotateKey(); // the new kid makes the portal fetch the set again
        Ehr.JwksDelay = TimeSpan.FromSeconds(10); // the fixture's JwksTimeout is 2 s
        try
        {
            var response = await PostAsync(Select, HookRequest("order-select", "P1001", "E-CDS-JWKS-SLOW"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            await using var db = await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
            await Eventually.UntilAsync(() => db.AuditEvents.AnyAsync(a => a.Action == "cds.refused" && a.Detail!.Contains("timed out"), Ct),
                "the refusal to be audited with its reason", cancellationToken: Ct);
        }
        finally
        {
            Ehr.JwksDelay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Bad_requests_get_a_plain_4xx()
    {
        async Task<(HttpStatusCode, string)> Send(string path, JsonNode body)
        {
            var response = await PostAsync(path, body);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            return (response.StatusCode, problem.GetProperty("detail").GetString()!);
        }

        var wrongHook = HookRequest("order-sign", "P1001", "E-CDS-4XX");
        Assert.Equal((HttpStatusCode.BadRequest, "This service answers the 'order-select' hook, not 'order-sign'."), await Send(Select, wrongHook));

        var noPatient = HookRequest("order-select", "P1001", "E-CDS-4XX");
        noPatient["context"]!.AsObject().Remove("patientId");
        Assert.Equal((HttpStatusCode.BadRequest, "context.patientId is required."), await Send(Select, noPatient));

        var notBundle = HookRequest("order-select", "P1001", "E-CDS-4XX");
        notBundle["context"]!["draftOrders"] = new JsonObject { ["resourceType"] = "Patient", ["id"] = 5 };
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(Select, notBundle)).Item1);

        var noServiceRequests = HookRequest("order-select", "P1001", "E-CDS-4XX", selections: ["MedicationRequest/sr-med"]);
        Assert.Empty((await CardsAsync(Select, noServiceRequests)).EnumerateArray()); // nothing to check: an empty card list

        var many = HookRequest("order-sign", "P1001", "E-CDS-4XX");
        var entries = many["context"]!["draftOrders"]!["entry"]!.AsArray();
        for (var i = 0; i < 60; i++) entries.Add(Entry($"sr-{i}", "http://loinc.org", "58410-2", "CBC"));
        Assert.Equal((HttpStatusCode.BadRequest, "Too many draft orders: at most 50 per request."), await Send(Sign, many));

        var huge = HookRequest("order-sign", "P1001", "E-CDS-4XX");
        huge["padding"] = new string('x', 1_100_000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(Sign, huge)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/cds-services/no-such-service", HookRequest("order-select", "P1001", "E-CDS-4XX"), token: "x")).StatusCode);
    }

    [Fact]
    public async Task Three_hundred_malformed_bodies_get_4xx_and_never_5xx()
    {
        var random = new Random(21);
        var valid = HookRequest("order-select", "P1001", "E-CDS-FUZZ").ToJsonString();
        var statuses = new List<(int Status, string Body)>();
        for (var i = 0; i < 300; i++)
        {
            var chars = valid.ToCharArray();
            var body = (i % 4) switch
            {
                0 => valid[..random.Next(valid.Length)], // truncated
                1 => new string(chars.Select(c => random.Next(25) == 0 ? (char)random.Next(32, 127) : c).ToArray()), // flipped characters
                2 => MutateJson(valid, random), // wrong types and missing members
                _ => JsonSerializer.Serialize(new { hook = "order-select", hookInstance = i, context = new { userId = i, draftOrders = new string('[', random.Next(1, 200)) } }),
            };
            var request = new HttpRequestMessage(HttpMethod.Post, Select) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Ehr.Token("http://localhost" + Select));
            var response = await Client().SendAsync(request, Ct);
            statuses.Add(((int)response.StatusCode, body.Length > 200 ? body[..200] : body));
        }
        var server = statuses.Where(s => s.Status >= 500).ToList();
        Assert.True(server.Count == 0, "5xx for: " + string.Join("\n", server.Select(s => s.Body)));
        Assert.All(statuses, s => Assert.True(s.Status is 200 or (>= 400 and < 500), $"{s.Status}: {s.Body}"));
        Assert.True(statuses.Count(s => s.Status >= 400) > 250);
    }

    private static string MutateJson(string json, Random random)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var context = node["context"]!.AsObject();
        switch (random.Next(8))
        {
            case 0: context["draftOrders"] = 42; break;
            case 1: context["selections"] = "ServiceRequest/sr-cbc"; break;
            case 2: context["draftOrders"]!["entry"] = new JsonObject(); break;
            case 3: node["prefetch"] = new JsonObject { ["patient"] = new JsonObject { ["resourceType"] = "Patient", ["identifier"] = "x" } }; break;
            case 4: context["draftOrders"]!["entry"]![0]!["resource"]!["code"] = new JsonArray(1, 2, 3); break;
            case 5: node["context"] = new JsonArray(); break;
            case 6: context["draftOrders"]!["entry"]![0]!["resource"]!["id"] = new string('9', 100); break;
            default: node.Remove("hookInstance"); break;
        }
        return node.ToJsonString();
    }
}
