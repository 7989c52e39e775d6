using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Audit;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Accounts;

/// <summary>Outcome of a sign-in attempt; the message key is shown to the user as is (never says which part was wrong).</summary>
internal sealed record SignInResult(ClaimsPrincipal? Principal, string? ErrorKey)
{
    public bool Succeeded => Principal is not null;
}

/// <summary>Password sign-in for staff accounts, with lockout after repeated failures and an audit entry either way.</summary>
internal sealed class AccountService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IPasswordHasher<UserAccount> hasher,
    TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(5);

    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        userName = userName.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is null)
        {
            Audit(db, userName, "account.login.failed", "unknown user", now);
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(null, "Login.Invalid");
        }
        if (user.LockedUntil > now)
        {
            Audit(db, userName, "account.login.locked", null, now);
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(null, "Login.Locked");
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= MaxFailures)
            {
                user.LockedUntil = now + Lockout;
                user.FailedLogins = 0;
            }
            Audit(db, userName, "account.login.failed", "wrong password", now);
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(null, "Login.Invalid");
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = hasher.HashPassword(user, password);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        user.LastLoginAt = now;
        Audit(db, userName, "account.login", user.Role, now);
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(CreatePrincipal(user), null);
    }

    /// <summary>Creates or updates a staff account (used by the demo seeding and by administrators).</summary>
    public async Task EnsureAccountAsync(string userName, string displayName, string role, string? department, string password,
        CancellationToken cancellationToken)
    {
        if (!PortalRoles.Staff.Contains(role)) throw new ArgumentException($"'{role}' is not a staff role.", nameof(role));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is null)
        {
            user = new UserAccount { Id = Guid.NewGuid(), UserName = userName, CreatedAt = time.GetUtcNow().UtcDateTime };
            db.Users.Add(user);
        }
        user.DisplayName = displayName;
        user.Role = role;
        user.DepartmentCode = department;
        if (user.PasswordHash.Length == 0 || hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
            user.PasswordHash = hasher.HashPassword(user, password);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ClaimsPrincipal CreatePrincipal(UserAccount user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.GivenName, user.DisplayName),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.DepartmentCode is not null) claims.Add(new Claim(PortalClaims.Department, user.DepartmentCode));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    private static void Audit(PortalDbContext db, string actor, string action, string? detail, DateTime at) =>
        AuditTrail.Add(db, at, actor, action, detail: detail);
}

/// <summary>Claim types of the portal.</summary>
internal static class PortalClaims
{
    public const string Department = "workstation:department";
}
