using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Audit;
using Workstation.Portal.Storage;

namespace Workstation.Portal.BloodUse;

/// <summary>Outcome of <c>/token</c>: a token, or the message to put in <c>erroMessage</c>.</summary>
public sealed record TokenResult(string? Token, int ExpiresInSeconds, string? Error);

/// <summary>Accounts of the reduction system's client: password check against the configured hash, lock-out after
/// repeated wrong passwords, tokens issued and checked. Tokens and passwords are never logged nor audited.</summary>
public sealed class BloodUseAccounts(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<BloodUseOptions> options,
    TimeProvider time)
{
    public async Task<TokenResult> IssueTokenAsync(string? id, string? password, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrEmpty(password)) return new TokenResult(null, 0, BloodUseMessages.MissingCredentials);
        id = id.Trim();
        var client = o.Clients.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (client is null)
        {
            // Same answer as a wrong password, and the same cost, so ids cannot be probed.
            BloodUsePasswordHash.Verify(DummyHash, password);
            Audit(db, "blood-use:" + Truncate(id, 40), "blood-use.token.failed", "unknown id", now);
            await db.SaveChangesAsync(cancellationToken);
            return new TokenResult(null, 0, BloodUseMessages.WrongCredentials);
        }
        var lockout = await db.Set<BloodUseLockout>().FindAsync([client.Id], cancellationToken);
        if (lockout?.LockedUntil > now)
        {
            Audit(db, "blood-use:" + client.Id, "blood-use.token.locked", null, now);
            await db.SaveChangesAsync(cancellationToken);
            var minutes = (int)Math.Ceiling((lockout.LockedUntil.Value - now).TotalMinutes);
            return new TokenResult(null, 0, string.Format(System.Globalization.CultureInfo.InvariantCulture, BloodUseMessages.Locked, Math.Max(1, minutes)));
        }
        if (!BloodUsePasswordHash.Verify(client.PasswordHash, password))
        {
            if (lockout is null) db.Add(lockout = new BloodUseLockout { ClientId = client.Id });
            lockout.FailedAttempts++;
            var locked = lockout.FailedAttempts >= o.MaxFailedAttempts;
            if (locked)
            {
                lockout.LockedUntil = now + o.LockoutDuration;
                lockout.FailedAttempts = 0;
            }
            Audit(db, "blood-use:" + client.Id, "blood-use.token.failed", locked ? "wrong password; locked" : "wrong password", now);
            await db.SaveChangesAsync(cancellationToken);
            return new TokenResult(null, 0, BloodUseMessages.WrongCredentials);
        }
        if (lockout is not null)
        {
            lockout.FailedAttempts = 0;
            lockout.LockedUntil = null;
        }
        var token = Base64UrlToken();
        db.Add(new BloodUseAccessToken { TokenHash = Hash(token), ClientId = client.Id, IssuedAt = now, ExpiresAt = now + o.TokenLifetime });
        // Expired tokens are useless; dropping them here keeps the table at the number of live tokens.
        await db.Set<BloodUseAccessToken>().Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        Audit(db, "blood-use:" + client.Id, "blood-use.token", null, now);
        await db.SaveChangesAsync(cancellationToken);
        return new TokenResult(token, (int)o.TokenLifetime.TotalSeconds, null);
    }

    /// <summary>The client the token was issued to, or null when it is unknown or expired.</summary>
    public async Task<string?> ValidateTokenAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var hash = Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<BloodUseAccessToken>().AsNoTracking()
            .Where(t => t.TokenHash == hash && t.ExpiresAt > now).Select(t => t.ClientId).FirstOrDefaultAsync(cancellationToken);
    }

    private static readonly string DummyHash = BloodUsePasswordHash.Create(Guid.NewGuid().ToString());

    private static string Base64UrlToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(39)).Replace('+', '-').Replace('/', '_');

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Truncate(string s, int max) => s.Length > max ? s[..max] : s;

    internal static void Audit(PortalDbContext db, string actor, string action, string? detail, DateTime at, string? subject = null) =>
        db.AuditEvents.Add(new AuditEvent { Actor = Truncate(actor, 64), Action = action, Subject = subject, Detail = detail, At = at });
}
