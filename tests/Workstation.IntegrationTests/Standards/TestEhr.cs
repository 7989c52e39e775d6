using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workstation.IntegrationTests.Portal;

namespace Workstation.IntegrationTests.Standards;

/// <summary>An EHR as a CDS client: its JWK Set (which it may rotate) and its FHIR server's Patient endpoint on a real
/// Kestrel port, and JWTs signed with its ES384 key.</summary>
public sealed class TestEhr : IAsyncDisposable
{
    public const string Issuer = "https://ehr.test.example";
    public const string FhirToken = "ehr-fhir-access-token";

    private readonly WebApplication _app;
    private ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private string _kid = "ehr-es384-1";

    /// <summary>The JWK Set answers after this long (a JWKS URL that times out).</summary>
    public TimeSpan JwksDelay { get; set; }

    public int JwksFetches;

    public Uri BaseUrl { get; }

    public string JwksUrl => new Uri(BaseUrl, "jwks.json").ToString();

    public string FhirServer => new Uri(BaseUrl, "fhir").ToString();

    private TestEhr(WebApplication app, Uri baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public static async Task<TestEhr> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        TestEhr? ehr = null;
        app.MapGet("/jwks.json", async (CancellationToken ct) =>
        {
            Interlocked.Increment(ref ehr!.JwksFetches);
            if (ehr.JwksDelay > TimeSpan.Zero) await Task.Delay(ehr.JwksDelay, ct); // the slow EHR under test, not a wait in a test
            return Results.Text(ehr.JwksJson(), "application/json");
        });
        app.MapGet("/fhir/Patient/{id}", (string id, HttpRequest request) =>
            request.Headers.Authorization.ToString() == "Bearer " + FhirToken
                ? Results.Text(PatientJson(id), "application/fhir+json")
                : Results.StatusCode(401));
        await app.StartAsync();
        var address = app.Urls.First();
        ehr = new TestEhr(app, new Uri(address.TrimEnd('/') + "/"));
        return ehr;
    }

    /// <summary>The Patient of the demo's P1001 (张伟) as the EHR holds it.</summary>
    public static string PatientJson(string id) => JsonSerializer.Serialize(new
    {
        resourceType = "Patient", id,
        identifier = new[] { new { system = "urn:oid:2.16.156.10011.1.3", value = Workstation.Sandbox.Demo.DemoWorld.FindByHisId("P1001")!.Identity.IdNumber } },
        name = new[] { new { text = "张伟" } },
    });

    /// <summary>A new key replaces the old one in the JWK Set (key rotation).</summary>
    public void RotateKey()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        _kid = "ehr-es384-" + Guid.NewGuid().ToString("N")[..8];
    }

    private string JwksJson()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(_key.ExportParameters(false))) { KeyId = _kid });
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, use = "sig", alg = "ES384" } } });
    }

    /// <summary>A JWT for a call to <paramref name="audience"/>; the parameters forge what the tests need forged.</summary>
    public string Token(string audience, string? jti = null, string issuer = Issuer, DateTime? issuedAt = null, TimeSpan? lifetime = null,
        string? jku = null, SigningCredentials? credentials = null)
    {
        var iat = issuedAt ?? DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, IssuedAt = iat, NotBefore = iat, Expires = iat + (lifetime ?? TimeSpan.FromMinutes(5)),
            Claims = new Dictionary<string, object> { ["jti"] = jti ?? Guid.NewGuid().ToString() },
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jku"] = jku ?? JwksUrl },
            SigningCredentials = credentials ?? new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = _kid }, SecurityAlgorithms.EcdsaSha384),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>Signed with another key under the EHR's own kid (a bad signature).</summary>
    public string ForgedToken(string audience) =>
        Token(audience, credentials: new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)) { KeyId = _kid }, SecurityAlgorithms.EcdsaSha384));

    /// <summary>HS256 with a shared secret (HMAC: refused).</summary>
    public string HmacToken(string audience) =>
        Token(audience, credentials: new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = _kid }, SecurityAlgorithms.HmacSha256));

    /// <summary>alg "none": the header and claims of a valid token and no signature.</summary>
    public string UnsignedToken(string audience)
    {
        var valid = Token(audience).Split('.');
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { alg = "none", typ = "JWT", kid = _kid }));
        return $"{header}.{valid[1]}.";
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>The portal with one registered CDS client (the <see cref="TestEhr"/>).</summary>
public sealed class CdsFixture : PortalFixture
{
    public TestEhr Ehr { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Ehr = await TestEhr.StartAsync();
        await base.InitializeAsync();
    }

    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["CdsHooks:PublicBaseUrl"] = "http://localhost",
        ["CdsHooks:Clients:0:Id"] = "test-ehr",
        ["CdsHooks:Clients:0:Name"] = "Test EHR",
        ["CdsHooks:Clients:0:Issuer"] = TestEhr.Issuer,
        ["CdsHooks:Clients:0:JwksUrl"] = Ehr.JwksUrl,
        ["CdsHooks:Clients:0:DepartmentCode"] = "NK",
        ["CdsHooks:Clients:0:DepartmentName"] = "内科",
        // Longer than the defaults (1 s, and 0.8 s per platform attempt within 2 s): on a busy machine a first JWKS fetch
        // or platform call took longer, and a valid call was refused or answered "not checked". The slow-JWKS test's EHR
        // answers after 10 s.
        ["CdsHooks:JwksTimeout"] = "00:00:02",
        ["Platform:AttemptTimeout"] = "00:00:05",
        ["Platform:RequestBudget"] = "00:00:20",
        ["CdsHooks:JwksRefetchInterval"] = "00:00:00", // the rotation test rotates right after the first fetch
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Ehr.DisposeAsync();
    }
}
