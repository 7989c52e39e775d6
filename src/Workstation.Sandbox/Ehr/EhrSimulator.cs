using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;
using Workstation.Platform.Catalogue;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.Ehr;

/// <summary>State of the demo EHR: its ES384 signing key (published as its JWK Set), its issuer (its own base URL,
/// set when it listens) and where the portal's CDS Hooks services are.</summary>
public sealed class EhrState(RecognitionItemCatalogue catalogue)
{
    public RecognitionItemCatalogue Catalogue { get; } = catalogue;

    /// <summary>The key the EHR signs its CDS Hooks JWTs with (a new one at every start).</summary>
    internal ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public string KeyId { get; } = "demo-ehr-es384-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The EHR's base URL: its JWTs' <c>iss</c>; its JWK Set is <c>{Issuer}/jwks.json</c>.</summary>
    public string? Issuer { get; set; }

    public string? JwksUrl => Issuer is null ? null : Issuer + "/jwks.json";

    /// <summary>The portal's public base URL (the CDS services are under it; each JWT's <c>aud</c> is the URL called).
    /// Null until the portal's demo wiring (or a test) sets it.</summary>
    public string? PortalUrl { get; set; }

    /// <summary>The clinician signed in to this EHR (the hook's <c>userId</c>).</summary>
    public string Practitioner { get; set; } = "Practitioner/D001";

    /// <summary>The JWK Set: the public half of <see cref="Key"/>.</summary>
    public string JwksJson()
    {
        var p = Key.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "EC", crv = "P-384", x = Base64Url(p.Q.X!), y = Base64Url(p.Q.Y!), kid = KeyId, use = "sig", alg = "ES384" } },
        });
    }

    /// <summary>A CDS Hooks client JWT (ES384) for one call to <paramref name="audience"/>: single-use <c>jti</c>, 5 minutes.</summary>
    public string Token(string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new { alg = "ES384", typ = "JWT", kid = KeyId, jku = JwksUrl });
        var payload = JsonSerializer.Serialize(new { iss = Issuer, sub = Issuer, aud = audience, iat = now, exp = now + 300, jti = Guid.NewGuid().ToString() });
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header)) + "." + Base64Url(Encoding.UTF8.GetBytes(payload));
        // JWS ES384: the signature is r || s, 48 bytes each (IEEE P1363, .NET's default for ECDsa).
        var signature = Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA384);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The demo EHR: a page on its own origin where a clinician picks a patient and draft orders, and its backend
/// calls the portal's CDS Hooks 2.0 services (order-select, order-sign, feedback) as any standards-based EHR would,
/// signed with its own key. The page shows the cards and sends the clinician's 互认 / 不互认 back as feedback.</summary>
public static class EhrSimulator
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static void Map(WebApplication app, EhrState state)
    {
        SiteAssets.MapSite(app, "ehr");
        app.MapGet("/jwks.json", () => Results.Text(state.JwksJson(), "application/json"));
        app.MapGet("/ehr/api/config", () => Results.Json(new
        {
            portalUrl = state.PortalUrl,
            issuer = state.Issuer,
            jwksUrl = state.JwksUrl,
            practitioner = state.Practitioner,
            hospitalName = DemoWorld.Home.Name,
            catalogueSystem = RecognitionItemCatalogue.CodeSystem,
            loincSystem = RecognitionItemCatalogue.LoincSystem,
            patients = DemoWorld.Patients.Select(p => new
            {
                id = p.HisId, name = p.Identity.Name, idNumber = p.Identity.IdNumber, p.Sex, p.BirthDate, encounterId = "E" + p.HisId[1..] + "-EHR",
            }),
            items = state.Catalogue.Items.Select(i => new { i.Code, i.Name, i.Loinc }),
        }, PlatformServiceCollectionExtensions.Json));
        app.MapPost("/ehr/api/call", (CallRequest call) => CallAsync(state, call));
    }

    /// <summary>What the page asks the backend to send: a path under the portal's <c>/cds-services</c> and the JSON body.</summary>
    public sealed record CallRequest(string? Path, JsonObject? Body);

    private static async Task<IResult> CallAsync(EhrState state, CallRequest call)
    {
        if (state.PortalUrl is null || state.Issuer is null) return Results.Problem("The portal is not configured yet.", statusCode: 503);
        if (call.Path is not { } path || !path.StartsWith("/cds-services/", StringComparison.Ordinal) || path.Contains("..", StringComparison.Ordinal) || call.Body is null)
            return Results.Problem("path must be a /cds-services/… URL and body a JSON object.", statusCode: 400);
        var url = state.PortalUrl.TrimEnd('/') + path;
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", state.Token(url));
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        try
        {
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? body = null;
            try { body = text.Length > 0 ? JsonNode.Parse(text) : null; }
            catch (JsonException) { body = JsonValue.Create(text); }
            return Results.Json(new { status = (int)response.StatusCode, body });
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Results.Json(new { status = 0, body = JsonValue.Create("The portal did not answer: " + ex.Message) });
        }
    }
}
