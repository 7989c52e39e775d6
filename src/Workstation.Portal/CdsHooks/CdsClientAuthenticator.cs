using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workstation.Portal.Audit;
using Workstation.Portal.Hosting;
using Workstation.Portal.Storage;

namespace Workstation.Portal.CdsHooks;

/// <summary>The outcome of checking a request's client JWT: the client, or why it was refused (kept in the audit trail and
/// the log, never told to the caller).</summary>
public sealed record CdsCaller(CdsClientOptions? Client, string? Refusal)
{
    public bool Accepted => Client is not null;
}

/// <summary>Checks the JWT every CDS Hooks and FHIR call carries (CDS Hooks 2.0 "Trusting CDS Clients"): signed with
/// ES384 / RS384 (ES256 / RS256 accepted) by a key of a registered client's JWK Set, <c>typ</c> JWT, <c>kid</c> present,
/// <c>iss</c> a registered client, a <c>jku</c> only that client's own URL, <c>aud</c> the exact URL called, a short
/// lifetime, and a <c>jti</c> used once (remembered until the token expires and stored, so a replay is refused on every
/// instance; between two instances, once the first has written it behind its answer, within milliseconds).</summary>
internal sealed class CdsClientAuthenticator(
    IOptionsMonitor<CdsHooksOptions> options,
    JwksCache jwks,
    CdsSignatureCrypto crypto,
    IOptions<StorageOptions> storage,
    IDbContextFactory<PortalDbContext> dbFactory,
    GroupCommitWriter writer,
    TimeProvider time,
    ILogger<CdsClientAuthenticator> logger)
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<(string Issuer, string Jti), DateTime> _used = new();

    /// <summary>Since when this instance remembers every jti it accepted.</summary>
    private readonly DateTime _rememberingSince = time.GetUtcNow().UtcDateTime;

    /// <summary>PostgreSQL: several instances may share the store (decision 0013), and each accepts tokens the others
    /// do not remember. SQLite: this instance is the only one.</summary>
    private readonly bool _sharedStore = storage.Value.Provider != "Sqlite";
    private DateTime _nextSweep;

    /// <summary>Checks the <c>Authorization: Bearer</c> JWT of a call to <paramref name="path"/> (its audience).</summary>
    public async Task<CdsCaller> AuthenticateAsync(HttpRequest request, string path, CancellationToken cancellationToken)
    {
        CdsCaller caller;
        using (ServerTiming.Measure(ServerTiming.Auth)) caller = await CheckAsync(request, path, cancellationToken);
        if (!caller.Accepted)
        {
            logger.LogWarning("CDS client refused on {Path}: {Refusal}", path, caller.Refusal);
            // Written behind the answer: a flood of refused calls must not queue writes in front of the real ones.
            writer.Post(AuditTrail.Entry(time.GetUtcNow().UtcDateTime, "cds-client", "cds.refused", path, caller.Refusal));
        }
        return caller;
    }

    private async Task<CdsCaller> CheckAsync(HttpRequest request, string path, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        string header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Refuse("no bearer token");
        var raw = header["Bearer ".Length..].Trim();
        if (raw.Length > 8192 || !_handler.CanReadToken(raw)) return Refuse("not a JWT");
        JsonWebToken token;
        try
        {
            token = _handler.ReadJsonWebToken(raw);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return Refuse("not a JWT");
        }
        var client = settings.Clients.FirstOrDefault(c => c.Issuer == token.Issuer);
        if (client is null) return Refuse($"unknown iss '{Cut(token.Issuer)}'");
        if (token.TryGetHeaderValue<string>("jku", out var jku) && jku != client.JwksUrl) return Refuse($"{client.Id}: jku '{Cut(jku)}' is not the client's JWK Set");
        if (string.IsNullOrEmpty(token.Kid)) return Refuse($"{client.Id}: no kid");
        if (string.IsNullOrEmpty(token.Id)) return Refuse($"{client.Id}: no jti");
        if (!token.TryGetPayloadValue<long>("iat", out _)) return Refuse($"{client.Id}: no iat");
        if (!Algorithms.Contains(token.Alg)) return Refuse($"{client.Id}: alg '{Cut(token.Alg)}' is not accepted");

        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = await jwks.KeysAsync(client, token.Kid, cancellationToken);
        }
        catch (JwksUnavailableException ex)
        {
            return Refuse($"{client.Id}: JWK Set unavailable ({ex.Message})");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = client.Issuer,
            ValidAudience = settings.Audience(path),
            ValidAlgorithms = Algorithms,
            ValidTypes = ["JWT"],
            IssuerSigningKeys = keys,
            CryptoProviderFactory = crypto.Factory,
            TryAllIssuerSigningKeys = false,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = settings.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } exp && exp > now - settings.ClockSkew && exp <= now + settings.MaxTokenLifetime + settings.ClockSkew
                && (notBefore is not { } nbf || nbf <= now + settings.ClockSkew),
        };
        var result = await _handler.ValidateTokenAsync(token, parameters); // the token read above, not parsed again
        if (!result.IsValid) return Refuse($"{client.Id}: {result.Exception?.GetType().Name ?? "invalid"}");
        var issuedAt = token.IssuedAt;
        if (issuedAt > now + settings.ClockSkew || token.ValidTo - issuedAt > settings.MaxTokenLifetime)
            return Refuse($"{client.Id}: iat/exp outside the allowed window");

        // Single use. This instance remembers every jti it accepted until the token expires; the others' (and those this
        // instance's predecessor accepted before a restart) are read from cds_token_uses, where each accepted jti is
        // written behind the answer (group commit; a duplicate row counts as written). A synchronous insert here made
        // every hook wait for its own SQLite commit. The stored uses are read only for a token another instance could
        // have accepted: with several instances always; with one (SQLite), only for a token issued before this instance
        // began remembering (iat is signed, and at most ClockSkew ahead of this clock): a later one is in _used if used.
        var issuer = Cut(client.Issuer, 200);
        var jti = Cut(token.Id, 200);
        if (!_used.TryAdd((issuer, jti), token.ValidTo)) return Refuse($"{client.Id}: jti replayed");
        if (_sharedStore || issuedAt <= _rememberingSince + settings.ClockSkew)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await JtiUsed.For(db)(db, issuer, jti, cancellationToken))
                return Refuse($"{client.Id}: jti replayed");
        }
        writer.Post(new CdsTokenUse { Issuer = issuer, Jti = jti, ExpiresAt = token.ValidTo });
        ForgetExpired(now);
        return new CdsCaller(client, null);
    }

    private static CdsCaller Refuse(string why) => new(null, why);

    /// <summary>Compiled once: every hook call asks it.</summary>
    private static readonly PerModel<Func<PortalDbContext, string, string, CancellationToken, Task<bool>>> JtiUsed =
        new(() => EF.CompileAsyncQuery((PortalDbContext db, string issuer, string jti, CancellationToken _) =>
            db.Set<CdsTokenUse>().Any(t => t.Issuer == issuer && t.Jti == jti)));

    /// <summary>Drops remembered jtis whose tokens have expired (they can no longer be replayed), at most once a minute.</summary>
    private void ForgetExpired(DateTime now)
    {
        if (now < _nextSweep) return;
        _nextSweep = now.AddMinutes(1);
        var before = now - options.CurrentValue.ClockSkew;
        foreach (var (key, expires) in _used)
        {
            if (expires < before) _used.TryRemove(key, out _);
        }
        // The stored rows of tokens expired a day ago go too (any instance may do it; deleting twice is harmless).
        _ = Task.Run(async () =>
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                await db.CdsTokenUses.Where(t => t.ExpiresAt < before.AddDays(-1)).ExecuteDeleteAsync();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                logger.LogWarning("Expired CDS token uses not deleted: {Error}", ex.Message);
            }
        });
    }

    private static string Cut(string? value, int max = 60) => value is null ? "" : value.Length > max ? value[..max] : value;
}

/// <summary>The JWK Set could not be fetched in time or was not a JWK Set.</summary>
public sealed class JwksUnavailableException(string message) : Exception(message);

/// <summary>The registered clients' JWK Sets, fetched from their configured URLs only (never from a URL a token names),
/// cached for <see cref="CdsHooksOptions.JwksLifetime"/>; a <c>kid</c> not in the cached set fetches the set again (key
/// rotation), at most once per <see cref="CdsHooksOptions.JwksRefetchInterval"/> per client. When a refresh fails, the
/// last set keeps serving the keys it holds up to <see cref="CdsHooksOptions.JwksStaleLimit"/> after it was fetched
/// (the next try after another refetch interval, so the calls meanwhile do not each wait for the timeout).</summary>
public sealed class JwksCache(IHttpClientFactory http, IOptionsMonitor<CdsHooksOptions> options, TimeProvider time, ILogger<JwksCache> logger)
{
    public const string HttpClientName = "cds-jwks";

    /// <summary>A fetched set's signing keys by kid, converted once: converting per call built a new ECDsa/RSA object
    /// each time, and the signature providers the token handler caches per key were never reused.</summary>
    private sealed record Entry(ILookup<string, SecurityKey> Keys, DateTimeOffset FetchedAt, DateTimeOffset? RefreshFailedAt = null);

    private readonly ConcurrentDictionary<string, Entry> _sets = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public async Task<IReadOnlyList<SecurityKey>> KeysAsync(CdsClientOptions client, string kid, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        if (_sets.TryGetValue(client.JwksUrl, out var cached) && Usable(cached, kid, now, settings)) return [.. cached.Keys[kid]];

        var gate = _locks.GetOrAdd(client.JwksUrl, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_sets.TryGetValue(client.JwksUrl, out cached) && (cached.FetchedAt > now || cached.RefreshFailedAt > now)) return [.. cached.Keys[kid]];
            JsonWebKeySet set;
            try
            {
                set = await FetchAsync(client.JwksUrl, settings.JwksTimeout, cancellationToken);
            }
            catch (JwksUnavailableException ex) when (cached is not null && cached.Keys.Contains(kid) && now - cached.FetchedAt < settings.JwksStaleLimit)
            {
                logger.LogWarning("JWK Set of CDS client {Client} not refreshed ({Error}): the set fetched at {FetchedAt:u} keeps verifying its keys",
                    client.Id, ex.Message, cached.FetchedAt);
                _sets[client.JwksUrl] = cached with { RefreshFailedAt = time.GetUtcNow() };
                return [.. cached.Keys[kid]];
            }
            var entry = new Entry(set.GetSigningKeys().Where(k => k.KeyId is not null).ToLookup(k => k.KeyId), time.GetUtcNow());
            _sets[client.JwksUrl] = entry;
            return [.. entry.Keys[kid]];
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether the cached set answers without a fetch: fresh (and holding the kid, or fetched too recently to
    /// fetch again), or stale after a failed refresh too recent to try again (a kid it lacks then finds no key: refused
    /// at once, not after waiting for the EHR's timeout again).</summary>
    private static bool Usable(Entry cached, string kid, DateTimeOffset now, CdsHooksOptions settings)
    {
        var age = now - cached.FetchedAt;
        if (age < settings.JwksLifetime) return cached.Keys.Contains(kid) || age < settings.JwksRefetchInterval;
        return cached.RefreshFailedAt is { } failed && now - failed < settings.JwksRefetchInterval && age < settings.JwksStaleLimit;
    }

    private async Task<JsonWebKeySet> FetchAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName).GetAsync(url, cts.Token);
            if (!response.IsSuccessStatusCode) throw new JwksUnavailableException($"HTTP {(int)response.StatusCode}");
            var json = await response.Content.ReadAsStringAsync(cts.Token);
            if (json.Length > 100_000) throw new JwksUnavailableException("too large");
            return new JsonWebKeySet(json);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JwksUnavailableException("timed out");
        }
        catch (HttpRequestException ex)
        {
            throw new JwksUnavailableException(ex.Message);
        }
        catch (ArgumentException ex)
        {
            throw new JwksUnavailableException("not a JWK Set: " + ex.GetType().Name);
        }
    }

}
