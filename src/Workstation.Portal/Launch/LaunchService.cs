using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workstation.Platform;
using Workstation.Portal.Audit;
using Workstation.Portal.Hosting;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Launch;

/// <summary>Why a launch was refused; each has its own plain message on the launch error page.</summary>
public enum LaunchFailure
{
    UnknownClient,
    Tampered,
    Expired,
    Replayed,
    Invalid,
    CodeInvalid,
    SessionExpired,
}

public sealed record LaunchOutcome(LaunchContext? Context, string? Token, LaunchFailure? Failure, string? Detail, string? Next = null)
{
    public static LaunchOutcome Fail(LaunchFailure failure, string detail) => new(null, null, failure, detail);
}

/// <summary>Turns a HIS launch (signed URL or one-time code) into a server-side launch session whose opaque token is
/// the only thing the browser holds. Every outcome is audited.</summary>
public sealed class LaunchService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<HisOptions> his,
    IOptionsMonitor<LaunchOptions> options,
    TimeProvider time,
    ILogger<LaunchService> logger)
{
    private static readonly string[] Required = ["client", "ts", "nonce", "sig"];

    /// <summary>Validates a signed launch URL and, when valid, opens a session.</summary>
    public async Task<LaunchOutcome> LaunchSignedAsync(IReadOnlyDictionary<string, string> query, CancellationToken cancellationToken)
    {
        var missing = Required.Where(k => !query.ContainsKey(k) || query[k].Length == 0).ToList();
        if (missing.Count > 0)
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Invalid, "missing " + string.Join(", ", missing)),
                query.GetValueOrDefault("client") is { Length: > 0 } named ? named : "?", cancellationToken);
        var client = his.CurrentValue.Clients.FirstOrDefault(c => c.Id == query["client"]);
        if (client is null) return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.UnknownClient, query["client"]), query["client"], cancellationToken);
        if (!LaunchSignature.Verify(query, query["sig"], client.LaunchSecret))
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Tampered, "signature mismatch"), client.Id, cancellationToken);

        var now = time.GetUtcNow();
        var lifetime = options.CurrentValue.SignedUrlLifetime;
        if (!long.TryParse(query["ts"], out var ts))
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Invalid, "ts is not a number"), client.Id, cancellationToken);
        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(ts, 0, 253402300799));
        if (now - issued > lifetime || issued - now > lifetime)
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Expired, $"issued {issued:u}"), client.Id, cancellationToken);

        var request = LaunchSignature.ToRequest(query);
        if (request.Problem() is { } problem)
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Invalid, problem), client.Id, cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.LaunchNonces.AnyAsync(n => n.ClientId == client.Id && n.Nonce == query["nonce"], cancellationToken))
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Replayed, "nonce already used"), client.Id, cancellationToken);
        db.LaunchNonces.RemoveRange(db.LaunchNonces.Where(n => n.ExpiresAt < now.UtcDateTime - lifetime)); // housekeeping
        db.LaunchNonces.Add(new LaunchNonce { ClientId = client.Id, Nonce = query["nonce"], ExpiresAt = (issued + lifetime).UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Two requests raced with the same nonce: the unique index lets only one through.
            return await AuditFailureAsync(LaunchOutcome.Fail(LaunchFailure.Replayed, "nonce already used"), client.Id, cancellationToken);
        }
        return await OpenSessionAsync(request.ToContext(client.Id), "launch.signed", next: null, cancellationToken);
    }

    /// <summary>Server to server: HIS posts the context with its API key and gets a one-time code for the iframe URL.</summary>
    public async Task<(string Code, DateTime ExpiresAt)> IssueCodeAsync(LaunchContext context, string? next, CancellationToken cancellationToken)
    {
        var (code, ticket) = NewCode(context, next);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.LaunchTickets.Add(ticket);
        await db.SaveChangesAsync(cancellationToken);
        return (code, ticket.ExpiresAt);
    }

    /// <summary>A one-time code and its ticket, not yet stored: the caller stores the ticket (e.g. in the same transaction
    /// as the order check it leads to) before handing out the code.</summary>
    public (string Code, LaunchTicket Ticket) NewCode(LaunchContext context, string? next)
    {
        var (token, hash) = NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        return (token, new LaunchTicket
        {
            Id = hash, Kind = LaunchTicket.CodeKind, ClientId = context.ClientId, EncounterId = context.EncounterId,
            ContextJson = JsonSerializer.Serialize(context), Next = next, CreatedAt = now, ExpiresAt = now + options.CurrentValue.CodeLifetime,
        });
    }

    /// <summary>Redeems a one-time code (atomically: a second redemption fails) and opens a session.</summary>
    public async Task<LaunchOutcome> RedeemCodeAsync(string code, CancellationToken cancellationToken)
    {
        var hash = Hash(code);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var consumed = await db.LaunchTickets
            .Where(t => t.Id == hash && t.Kind == LaunchTicket.CodeKind && t.ConsumedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        var ticket = await db.LaunchTickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == hash, cancellationToken);
        if (consumed == 0 || ticket is null)
        {
            var failure = ticket is null ? LaunchFailure.CodeInvalid
                : ticket.ConsumedAt is not null ? LaunchFailure.Replayed
                : LaunchFailure.Expired;
            return await AuditFailureAsync(LaunchOutcome.Fail(failure, "launch code"), ticket?.ClientId ?? "?", cancellationToken);
        }
        var context = JsonSerializer.Deserialize<LaunchContext>(ticket.ContextJson)!;
        return await OpenSessionAsync(context, "launch.code", ticket.Next, cancellationToken);
    }

    /// <summary>Resumes a launch session from its token (page load, reload, reconnect) and slides its expiry.</summary>
    public async Task<LaunchContext?> ResumeAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ticket = await db.LaunchTickets.SingleOrDefaultAsync(t => t.Id == hash && t.Kind == LaunchTicket.SessionKind, cancellationToken);
        if (ticket is null || ticket.ExpiresAt <= now) return null;
        ticket.ExpiresAt = now + options.CurrentValue.SessionIdleTimeout;
        await db.SaveChangesAsync(cancellationToken);
        return JsonSerializer.Deserialize<LaunchContext>(ticket.ContextJson);
    }

    private async Task<LaunchOutcome> OpenSessionAsync(LaunchContext context, string action, string? next, CancellationToken cancellationToken)
    {
        var (token, hash) = NewToken();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.LaunchTickets.Add(new LaunchTicket
        {
            Id = hash, Kind = LaunchTicket.SessionKind, ClientId = context.ClientId, EncounterId = context.EncounterId,
            ContextJson = JsonSerializer.Serialize(context), CreatedAt = now, ExpiresAt = now + options.CurrentValue.SessionIdleTimeout,
        });
        AuditTrail.Add(db, now, context.DoctorId, action, $"{context.ClientId}/{context.EncounterId}", $"{context.Setting} {context.DepartmentCode}");
        await db.SaveChangesAsync(cancellationToken);
        return new LaunchOutcome(context, token, null, null, next);
    }

    private async Task<LaunchOutcome> AuditFailureAsync(LaunchOutcome outcome, string clientId, CancellationToken cancellationToken)
    {
        logger.LogWarning("Launch refused for client {Client}: {Failure} ({Detail})", clientId, outcome.Failure, outcome.Detail);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        AuditTrail.Add(db, time.GetUtcNow().UtcDateTime, clientId, "launch.refused", detail: Truncate($"{outcome.Failure}: {outcome.Detail}", 400));
        await db.SaveChangesAsync(cancellationToken);
        return outcome;
    }

    private static string Truncate(string text, int length) => text.Length > length ? text[..length] : text;

    private static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
