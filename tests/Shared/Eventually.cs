using System.Diagnostics;

namespace Workstation.Testing;

/// <summary>Waits for a condition instead of a fixed time. A busy CI machine may be many times slower than a
/// developer's, so the deadline is generous: it only bounds how long a broken test takes to say what it waited for.
/// Speed is measured by the benchmarks, never here.</summary>
public static class Eventually
{
    /// <summary>How long a condition may take on a busy machine before the test fails.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> (10 ms, then up to every 200 ms) until it holds.</summary>
    /// <exception cref="TimeoutException">It did not hold within the deadline; the message names <paramref name="what"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        var limit = deadline ?? Deadline;
        var start = Stopwatch.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(10);
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(start) > limit) throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(200, pause.TotalMilliseconds * 2));
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?, CancellationToken)"/>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null, CancellationToken cancellationToken = default) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline, cancellationToken);

    /// <summary>Polls <paramref name="read"/> until it returns a value (not null) and returns that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> read, string what, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
        where T : class
    {
        T? value = null;
        await UntilAsync(async () => (value = await read()) is not null, what, deadline, cancellationToken);
        return value!;
    }

    /// <summary>Does <paramref name="act"/> again every <paramref name="every"/> until <paramref name="done"/> completes:
    /// for a message that may be sent before the receiver is listening (a Redis subscription on its way), where only
    /// sending again tells when it listens.</summary>
    public static async Task<T> RepeatUntilAsync<T>(Func<Task> act, Task<T> done, TimeSpan every, string what, CancellationToken cancellationToken = default)
    {
        await UntilAsync(async () =>
        {
            if (done.IsCompleted) return true;
            await act();
            return await Task.WhenAny(done, Task.Delay(every, cancellationToken)) == done;
        }, what, cancellationToken: cancellationToken);
        return await done;
    }
}
