using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;
using Workstation.Sandbox.Demo;

namespace Workstation.Sandbox.CardManagement;

/// <summary>A blacklisted resident health card: where it is listed (provincial or national) and why.</summary>
public sealed record BlacklistEntry(string CardNumber, string Scope, string Reason);

/// <summary>One version of the blacklist: what it added and removed relative to the previous version.</summary>
public sealed record BlacklistDelta(long Version, IReadOnlyList<BlacklistEntry> Added, IReadOnlyList<string> Removed);

/// <summary>The full blacklist at a version.</summary>
public sealed record BlacklistSnapshot(long Version, IReadOnlyList<BlacklistEntry> Entries);

/// <summary>Answer to "deltas since version N".</summary>
public sealed record BlacklistDeltas(long CurrentVersion, IReadOnlyList<BlacklistDelta> Deltas);

/// <summary>One card use as the hospital's front-end system reports it.</summary>
public sealed record CardUsageEntry(long UsageId, string CardNumber, string Scene, string TerminalId, string OperatorId, DateTime UsedAt,
    bool Allowed, string? Reason);

/// <summary>A batch of card uses; the batch id makes a re-sent batch harmless.</summary>
public sealed record CardUsageBatch(string BatchId, string HospitalCode, IReadOnlyList<CardUsageEntry> Entries);

/// <summary>A simulated resident health card (what the reader gives the HIS).</summary>
public sealed record DemoCard(string CardNumber, string HisId, string Name, string IdNumber);

/// <summary>State of the city card-management system (市级居民健康卡卡管系统): the versioned blacklist (provincial and
/// national), the usage logs received (de-duplicated by batch id) and fault switches.</summary>
public sealed class CardManagementState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, BlacklistEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<BlacklistDelta> _deltas = [];
    private readonly ConcurrentDictionary<string, CardUsageBatch> _batches = new();
    private readonly HashSet<long> _lostVersions = [];
    private long _version;
    private long _usageCalls;

    public CardManagementState(string apiKey)
    {
        ApiKey = apiKey;
        var liu = DemoCards.Single(c => c.HisId == "P1005");
        Publish([new BlacklistEntry(liu.CardNumber, "provincial", "挂失"), new BlacklistEntry("1300000000000000777", "national", "冒用")], []);
    }

    /// <summary>The key the front-end system sends in <c>X-Card-Api-Key</c>.</summary>
    public string ApiKey { get; }

    /// <summary>Cards of the demo patients; 刘洋's card is on the provincial blacklist.</summary>
    public static IReadOnlyList<DemoCard> DemoCards { get; } = DemoWorld.Patients
        .Where(p => p.Identity.IdType == Workstation.Platform.Contract.IdTypes.ResidentIdCard)
        .Select(p => new DemoCard("13" + p.Identity.IdNumber[..6] + "0000" + p.HisId[1..] + "01", p.HisId, p.Identity.Name, p.Identity.IdNumber))
        .ToList();

    public long Version => Interlocked.Read(ref _version);

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>Usage upload calls that fail: a ratio of 0.3 fails calls 3, 6 and 10 of every ten, one of them after
    /// storing the batch (the answer is lost, the hospital sends again).</summary>
    public double UsageFailureRatio { get; set; }

    /// <summary>Number of usage upload calls received (failed ones included).</summary>
    public long UsageCalls => Interlocked.Read(ref _usageCalls);

    public IReadOnlyCollection<CardUsageBatch> Batches => _batches.Values.ToList();

    /// <summary>Fail the next N blacklist calls with 503.</summary>
    public ScheduledFailures BlacklistFailures { get; } = new();

    /// <summary>Publishes a new version.</summary>
    public long Publish(IReadOnlyList<BlacklistEntry> added, IReadOnlyList<string> removed)
    {
        lock (_gate)
        {
            foreach (var card in removed) _entries.Remove(card);
            foreach (var entry in added) _entries[entry.CardNumber] = entry;
            var version = _version + 1;
            _deltas.Add(new BlacklistDelta(version, added, removed));
            Interlocked.Exchange(ref _version, version);
            return version;
        }
    }

    /// <summary>Publishes a version whose delta is never served (as if lost on the way): the next delta list has a gap.</summary>
    public long PublishLost(IReadOnlyList<BlacklistEntry> added, IReadOnlyList<string> removed)
    {
        lock (_gate)
        {
            var version = Publish(added, removed);
            _lostVersions.Add(version);
            return version;
        }
    }

    /// <summary>Adds <paramref name="count"/> synthetic entries in one version (for the benchmark).</summary>
    public long AddSynthetic(int count)
    {
        var entries = new BlacklistEntry[count];
        for (var i = 0; i < count; i++) entries[i] = new BlacklistEntry($"139{i:D16}", i % 10 == 0 ? "national" : "provincial", i % 3 == 0 ? "注销" : "挂失");
        return Publish(entries, []);
    }

    public BlacklistSnapshot Snapshot()
    {
        lock (_gate) return new BlacklistSnapshot(_version, _entries.Values.ToList());
    }

    public BlacklistDeltas DeltasSince(long since)
    {
        lock (_gate)
        {
            return new BlacklistDeltas(_version, _deltas.Where(d => d.Version > since && !_lostVersions.Contains(d.Version)).Take(500).ToList());
        }
    }

    /// <summary>Stores a batch once; false when the call is to fail (before or after storing).</summary>
    internal (bool Ok, bool Stored) Receive(CardUsageBatch batch)
    {
        var call = Interlocked.Increment(ref _usageCalls);
        var failures = (int)Math.Round(UsageFailureRatio * 10);
        var slot = (int)(call % 10);
        if (failures > 0 && slot % 3 == 0 && slot / 3 < failures)
        {
            if (slot == 0) return (false, _batches.TryAdd(batch.BatchId, batch)); // stored, but the answer is lost
            return (false, false);
        }
        return (true, _batches.TryAdd(batch.BatchId, batch));
    }
}

/// <summary>The city card-management system's interface to a hospital front-end system: blacklist full load and
/// versioned deltas, and usage-log batches. Every call carries the hospital's key.</summary>
public static class CardManagementSimulator
{
    public const string ApiKeyHeader = "X-Card-Api-Key";

    public static void Map(WebApplication app, CardManagementState state)
    {
        var api = app.MapGroup("/cards/api").AddEndpointFilter(async (context, next) =>
        {
            var presented = context.HttpContext.Request.Headers[ApiKeyHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(state.ApiKey)))
                return Results.Problem("Unknown front-end system key.", statusCode: 401);
            return await next(context);
        });
        api.MapGet("/blacklist", () => state.BlacklistFailures.Take()
            ? Results.Problem("Card system busy.", statusCode: 503)
            : Results.Json(state.Snapshot(), PlatformServiceCollectionExtensions.Json));
        api.MapGet("/blacklist/deltas", (long since) => state.BlacklistFailures.Take()
            ? Results.Problem("Card system busy.", statusCode: 503)
            : Results.Json(state.DeltasSince(since), PlatformServiceCollectionExtensions.Json));
        api.MapPost("/usage-logs", (CardUsageBatch batch) =>
        {
            if (string.IsNullOrWhiteSpace(batch.BatchId) || batch.Entries is null) return Results.Problem("batchId and entries are required.", statusCode: 400);
            var (ok, stored) = state.Receive(batch);
            return ok ? Results.Json(new { batchId = batch.BatchId, accepted = batch.Entries.Count, duplicate = !stored })
                : Results.Problem("Card system busy.", statusCode: 503);
        });
        app.MapGet("/cards/demo-cards", () => Results.Json(CardManagementState.DemoCards, PlatformServiceCollectionExtensions.Json));
    }
}
