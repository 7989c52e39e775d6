using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Portal.Audit;
using Workstation.Portal.Storage;

namespace Workstation.Portal.BloodUse;

/// <summary>Outcome of <c>/token</c>: a token, or the message to put in <c>erroMessage</c>.</summary>
internal sealed record TokenResult(string? Token, int ExpiresInSeconds, string? Error);

/// <summary>Accounts of the reduction system's client: password check against the configured hash, lock-out after
/// repeated wrong passwords, tokens issued and checked. Tokens and passwords are never logged nor audited.</summary>
internal sealed class BloodUseAccounts(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<BloodUseOptions> options,
    TimeProvider time)
{
    /// <summary>Issues a token for a right id and password. Every id is treated alike, known or not: the same answers,
    /// the same cost, and the same lock-out after <see cref="BloodUseOptions.MaxFailedAttempts"/> wrong passwords within
    /// <see cref="BloodUseOptions.LockoutDuration"/>, so a caller cannot tell which ids exist. Every request is audited,
    /// one without credentials too.</summary>
    public async Task<TokenResult> IssueTokenAsync(string? id, string? password, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrEmpty(password))
        {
            Audit(db, "blood-use:" + Truncate(id?.Trim() is { Length: > 0 } given ? given : "-", 40), "blood-use.token.failed",
                string.IsNullOrWhiteSpace(id) ? "no id" : "no password", now);
            await db.SaveChangesAsync(cancellationToken);
            return new TokenResult(null, 0, BloodUseMessages.MissingCredentials);
        }
        id = Truncate(id.Trim(), 64);
        var client = o.Clients.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));
        var actor = "blood-use:" + Truncate(id, 40);
        var lockout = await db.Set<BloodUseLockout>().FindAsync([id], cancellationToken);
        if (lockout?.LockedUntil > now)
        {
            Audit(db, actor, "blood-use.token.locked", client is null ? "unknown id" : null, now);
            await db.SaveChangesAsync(cancellationToken);
            var minutes = (int)Math.Ceiling((lockout.LockedUntil.Value - now).TotalMinutes);
            return new TokenResult(null, 0, string.Format(System.Globalization.CultureInfo.InvariantCulture, BloodUseMessages.Locked, Math.Max(1, minutes)));
        }
        // An unknown id costs a hash check too, and is never right.
        if (!BloodUsePasswordHash.Verify(client?.PasswordHash ?? DummyHash, password) || client is null)
        {
            if (lockout is null || lockout.LastFailedAt < now - o.LockoutDuration)
            {
                // Wrong passwords count within one lock-out period; older ones are forgotten.
                if (lockout is null) db.Add(lockout = new BloodUseLockout { ClientId = id });
                lockout.FailedAttempts = 0;
            }
            lockout.FailedAttempts++;
            lockout.LastFailedAt = now;
            var locked = lockout.FailedAttempts >= o.MaxFailedAttempts;
            if (locked)
            {
                lockout.LockedUntil = now + o.LockoutDuration;
                lockout.FailedAttempts = 0;
            }
            Audit(db, actor, "blood-use.token.failed", (client is null ? "unknown id" : "wrong password") + (locked ? "; locked" : ""), now);
            // Rows of ids nobody has tried for a whole period are dropped, so random ids cannot fill the table.
            await db.Set<BloodUseLockout>().Where(l => l.LastFailedAt < now - o.LockoutDuration && (l.LockedUntil == null || l.LockedUntil < now))
                .ExecuteDeleteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new TokenResult(null, 0, BloodUseMessages.WrongCredentials);
        }
        if (lockout is not null) db.Remove(lockout);
        var token = Base64UrlToken();
        db.Add(new BloodUseAccessToken { TokenHash = Hash(token), ClientId = client.Id, IssuedAt = now, ExpiresAt = now + o.TokenLifetime });
        // Expired tokens are useless; dropping them here keeps the table at the number of live tokens.
        await db.Set<BloodUseAccessToken>().Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        Audit(db, actor, "blood-use.token", null, now);
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
        AuditTrail.Add(db, at, actor, action, subject, detail);
}
