using System.Collections.Concurrent;

namespace Workstation.Portal.Background;

/// <summary>At most one run of a piece of work per key in this instance: a caller that arrives while the key's work
/// runs waits for that run and gets its result instead of starting a second one. Across instances the work itself
/// must still be safe to repeat (a unique key in the database).</summary>
public class SingleFlight<TKey, TResult> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TResult>>> _running = new();

    public async Task<TResult> RunAsync(TKey key, Func<Task<TResult>> work)
    {
        var run = _running.GetOrAdd(key, _ => new Lazy<Task<TResult>>(work, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await run.Value;
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(key, run));
        }
    }

    /// <summary>Keys whose work is running now.</summary>
    public int Running => _running.Count;
}
