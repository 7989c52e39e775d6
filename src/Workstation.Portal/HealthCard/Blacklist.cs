namespace Workstation.Portal.HealthCard;

/// <summary>Why a card is refused: the list it is on (provincial or national) and the reason given there.</summary>
internal sealed record BlacklistHit(string Scope, string Reason)
{
    public string ScopeName => Scope == "national" ? "国家" : "省级";
}

/// <summary>What the admin page and health show about the blacklist.</summary>
internal sealed record BlacklistStatus(long Version, int Count, DateTime? LastSyncAt, DateTime? LastFullLoadAt, string? LastError,
    DateTime? LastErrorAt, int FullLoads, int DeltasApplied);

/// <summary>The blacklist in memory: an immutable card-number dictionary swapped whole on every change, so a lookup
/// never takes a lock and always sees one version. Reasons are shared instances (a handful of distinct values), so
/// an entry costs the card-number string and one dictionary slot.</summary>
internal sealed class Blacklist
{
    private sealed record Snapshot(long Version, Dictionary<string, BlacklistHit> Cards);

    private volatile Snapshot _current = new(0, new Dictionary<string, BlacklistHit>(StringComparer.Ordinal));
    private readonly Dictionary<(string, string), BlacklistHit> _hits = [];
    private readonly object _write = new();
    private DateTime? _lastSyncAt, _lastFullLoadAt, _lastErrorAt;
    private string? _lastError;
    private int _fullLoads, _deltas;

    public long Version => _current.Version;

    public int Count => _current.Cards.Count;

    public BlacklistHit? Find(string cardNumber) => _current.Cards.GetValueOrDefault(Key(cardNumber));

    public (BlacklistHit? Hit, long Version) Check(string cardNumber)
    {
        var snapshot = _current;
        return (snapshot.Cards.GetValueOrDefault(Key(cardNumber)), snapshot.Version);
    }

    public BlacklistStatus Status
    {
        get
        {
            lock (_write) return new BlacklistStatus(Version, Count, _lastSyncAt, _lastFullLoadAt, _lastError, _lastErrorAt, _fullLoads, _deltas);
        }
    }

    /// <summary>Replaces the whole list (a full load, or the persisted list at start).</summary>
    public void Replace(long version, IEnumerable<CardBlacklistEntry> entries, DateTime? syncedAt, bool fromCardSystem)
    {
        lock (_write)
        {
            var cards = new Dictionary<string, BlacklistHit>(StringComparer.Ordinal);
            foreach (var e in entries) cards[Key(e.CardNumber)] = Hit(e.Scope, e.Reason);
            _current = new Snapshot(version, cards);
            _lastSyncAt = syncedAt;
            if (fromCardSystem)
            {
                _lastFullLoadAt = syncedAt;
                _fullLoads++;
                _lastError = null;
            }
        }
    }

    /// <summary>Applies consecutive deltas on a copy and swaps it in; false (nothing applied) when they do not start right
    /// after the current version or skip one: the caller then reloads in full.</summary>
    public bool TryApply(IReadOnlyList<CardBlacklistDelta> deltas, DateTime syncedAt)
    {
        lock (_write)
        {
            var current = _current;
            var expected = current.Version + 1;
            foreach (var d in deltas)
            {
                if (d.Version != expected) return false;
                expected++;
            }
            if (deltas.Count > 0)
            {
                var cards = new Dictionary<string, BlacklistHit>(current.Cards, StringComparer.Ordinal);
                foreach (var d in deltas)
                {
                    foreach (var card in d.Removed) cards.Remove(Key(card));
                    foreach (var e in d.Added) cards[Key(e.CardNumber)] = Hit(e.Scope, e.Reason);
                }
                _current = new Snapshot(deltas[^1].Version, cards);
                _deltas += deltas.Count;
            }
            _lastSyncAt = syncedAt;
            _lastError = null;
            return true;
        }
    }

    public void RecordError(string error, DateTime at)
    {
        lock (_write)
        {
            _lastError = error.Length > 500 ? error[..500] : error;
            _lastErrorAt = at;
        }
    }

    /// <summary>Card numbers are compared in upper case (verify upper-cases what the reader gives); digits-only numbers,
    /// the usual case, are kept as they are without a copy.</summary>
    public static string Key(string cardNumber) => cardNumber.AsSpan().ContainsAnyInRange('a', 'z') ? cardNumber.ToUpperInvariant() : cardNumber;

    private BlacklistHit Hit(string scope, string reason)
    {
        if (!_hits.TryGetValue((scope, reason), out var hit)) _hits[(scope, reason)] = hit = new BlacklistHit(scope, reason);
        return hit;
    }
}
