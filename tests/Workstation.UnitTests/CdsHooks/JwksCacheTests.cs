using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Workstation.Portal.CdsHooks;

namespace Workstation.UnitTests.CdsHooks;

/// <summary>A registered EHR's JWK Set: cached for its lifetime, fetched again for a new kid, and when a refresh fails
/// the last set keeps verifying the keys it holds (up to the stale limit) instead of refusing every card.</summary>
public sealed class JwksCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeEhr _ehr = new();
    private readonly CdsHooksOptions _options = new()
    {
        JwksLifetime = TimeSpan.FromMinutes(10), JwksRefetchInterval = TimeSpan.FromSeconds(30), JwksStaleLimit = TimeSpan.FromHours(1),
    };
    private readonly CdsClientOptions _client = new() { Id = "ehr", JwksUrl = "https://ehr.example/jwks.json" };

    private JwksCache Cache() => new(_ehr, new Monitor(_options), _time, NullLogger<JwksCache>.Instance);

    [Fact]
    public async Task After_a_failed_refresh_the_last_set_keeps_verifying_its_keys_until_the_stale_limit()
    {
        var cache = Cache();
        var kid = _ehr.Kid;
        Assert.Single(await cache.KeysAsync(_client, kid, Ct));
        Assert.Equal(1, _ehr.Fetches);

        _time.Advance(TimeSpan.FromMinutes(5)); // within the lifetime: no fetch
        Assert.Single(await cache.KeysAsync(_client, kid, Ct));
        Assert.Equal(1, _ehr.Fetches);

        _ehr.Down = true;
        _time.Advance(TimeSpan.FromMinutes(6)); // expired; the refresh fails; the set of 11 minutes ago still verifies
        Assert.Single(await cache.KeysAsync(_client, kid, Ct));
        Assert.Equal(2, _ehr.Fetches);
        Assert.Single(await cache.KeysAsync(_client, kid, Ct)); // no second try within the refetch interval
        Assert.Equal(2, _ehr.Fetches);

        _time.Advance(TimeSpan.FromSeconds(31)); // tried again, still down, still served
        Assert.Single(await cache.KeysAsync(_client, kid, Ct));
        Assert.Equal(3, _ehr.Fetches);

        // A key the old set lacks is never trusted without a successful fetch: no key for it (refused), and within the
        // refetch interval no new wait for the unreachable EHR.
        Assert.Empty(await cache.KeysAsync(_client, "rotated-kid", Ct));
        Assert.Equal(3, _ehr.Fetches);
        _time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<JwksUnavailableException>(() => cache.KeysAsync(_client, "rotated-kid", Ct));
        Assert.Equal(4, _ehr.Fetches);

        _time.Advance(TimeSpan.FromMinutes(50)); // the set is now over an hour old: refused
        await Assert.ThrowsAsync<JwksUnavailableException>(() => cache.KeysAsync(_client, kid, Ct));

        _ehr.Down = false; // back: fetched and fresh again
        Assert.Single(await cache.KeysAsync(_client, kid, Ct));
    }

    [Fact]
    public async Task Without_a_set_fetched_before_an_unreachable_jwks_url_is_refused()
    {
        _ehr.Down = true;
        await Assert.ThrowsAsync<JwksUnavailableException>(() => Cache().KeysAsync(_client, _ehr.Kid, Ct));
    }

    /// <summary>The EHR's JWKS endpoint: one P-384 key; when <see cref="Down"/>, the connection fails.</summary>
    private sealed class FakeEhr : HttpMessageHandler, IHttpClientFactory
    {
        private readonly string _json;

        public FakeEhr()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key) { KeyId = Kid });
            _json = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = Kid, use = "sig", alg = "ES384" } } });
        }

        public string Kid { get; } = "key-1";

        public bool Down { get; set; }

        public int Fetches { get; private set; }

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Fetches++;
            if (Down) throw new HttpRequestException("Connection refused (ehr.example:443)");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(_json) });
        }
    }

    private sealed class Monitor(CdsHooksOptions value) : IOptionsMonitor<CdsHooksOptions>
    {
        public CdsHooksOptions CurrentValue => value;

        public CdsHooksOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CdsHooksOptions, string?> listener) => null;
    }
}
