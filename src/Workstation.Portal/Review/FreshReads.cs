namespace Workstation.Portal.Review;

/// <summary>Shares one computation between the readers of the same thing without serving anything older than the
/// reader: a read that arrives while a computation runs waits for the next one, which starts when the running one ends
/// and is shared by every reader that arrived meanwhile. Each reader so sees every write committed before it asked, at
/// most one computation per key runs at a time, and ten officers opening the same dashboard while decisions are being
/// written cost two computations, not ten.</summary>
internal sealed class FreshReads<T>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = [];

    private sealed class Slot
    {
        /// <summary>The computation that will start when the running one ends, and its work.</summary>
        public TaskCompletionSource<T>? Next;

        public Func<Task<T>>? NextWork;
    }

    /// <summary>The result of a computation that started after this call (<paramref name="work"/> runs without the
    /// caller's cancellation, which only stops the wait).</summary>
    public Task<T> ReadAsync(string key, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(key, out var slot))
            {
                if (slot.Next is null)
                {
                    slot.Next = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                    slot.NextWork = work;
                }
                return slot.Next.Task.WaitAsync(cancellationToken);
            }
            slot = new Slot();
            _slots[key] = slot;
            var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = RunAsync(key, slot, work, result);
            return result.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync(string key, Slot slot, Func<Task<T>> work, TaskCompletionSource<T> result)
    {
        while (true)
        {
            try
            {
                result.SetResult(await Task.Run(work));
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
            lock (_lock)
            {
                if (slot.Next is null)
                {
                    _slots.Remove(key);
                    return;
                }
                (result, work) = (slot.Next, slot.NextWork!);
                (slot.Next, slot.NextWork) = (null, null);
            }
        }
    }

    /// <summary>Keys with a computation running (for tests).</summary>
    public int Running
    {
        get
        {
            lock (_lock) return _slots.Count;
        }
    }
}
