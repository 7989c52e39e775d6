using Workstation.Portal.Review;
using Workstation.Testing;

namespace Workstation.UnitTests.Review;

public sealed class FreshReadsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A computation the test lets finish, which returns the "database" version it started with.</summary>
    private sealed class Source
    {
        public int Version;
        public int Started;
        public readonly List<TaskCompletionSource> Gates = [];

        public Func<Task<int>> Work => async () =>
        {
            TaskCompletionSource gate;
            int version;
            lock (Gates)
            {
                version = Version;
                Started++;
                gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Gates.Add(gate);
            }
            await gate.Task;
            return version;
        };

        public void Release(int index)
        {
            lock (Gates) Gates[index].SetResult();
        }

        public int Count
        {
            get
            {
                lock (Gates) return Started;
            }
        }
    }

    [Fact]
    public async Task Readers_arriving_during_a_computation_share_the_next_one_which_sees_what_was_written_before_they_asked()
    {
        var reads = new FreshReads<int>();
        var source = new Source();

        var first = reads.ReadAsync("year", source.Work, Ct);
        await Eventually.UntilAsync(() => source.Count == 1, "the first computation", cancellationToken: Ct);
        source.Version = 1;                                      // a decision saved while the first computation runs
        var second = reads.ReadAsync("year", source.Work, Ct);
        var third = reads.ReadAsync("year", source.Work, Ct);
        var otherRange = reads.ReadAsync("quarter", source.Work, Ct);
        await Eventually.UntilAsync(() => source.Count == 2, "the other range's own computation", cancellationToken: Ct);
        Assert.Equal(2, source.Count);                           // the second and third wait: the first has not ended

        source.Release(0);
        Assert.Equal(0, await first);
        await Eventually.UntilAsync(() => source.Count == 3, "the shared next computation", cancellationToken: Ct);
        source.Release(1);
        source.Release(2);
        Assert.Equal(1, await second);                           // not the first's (older) result
        Assert.Equal(1, await third);
        Assert.Equal(1, await otherRange);
        Assert.Equal(3, source.Count);                           // four readers, three computations
        await Eventually.UntilAsync(() => reads.Running == 0, "nothing left running", cancellationToken: Ct);

        source.Version = 2;
        var later = reads.ReadAsync("year", source.Work, Ct);
        await Eventually.UntilAsync(() => source.Count == 4, "a new computation for a later reader", cancellationToken: Ct);
        source.Release(3);
        Assert.Equal(2, await later);
    }

    [Fact]
    public async Task A_failed_computation_fails_its_readers_only_and_a_reader_that_gives_up_does_not_stop_it_for_the_others()
    {
        var reads = new FreshReads<int>();
        var calls = 0;
        var failing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = reads.ReadAsync("k", async () =>
        {
            Interlocked.Increment(ref calls);
            await failing.Task;
            throw new InvalidOperationException("database gone");
        }, Ct);
        var source = new Source();
        using var impatient = new CancellationTokenSource();
        var leaving = reads.ReadAsync("k", source.Work, impatient.Token);
        var staying = reads.ReadAsync("k", source.Work, Ct);

        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        failing.SetResult();
        Assert.Equal("database gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        await Eventually.UntilAsync(() => source.Count == 1, "the next computation", cancellationToken: Ct);
        source.Release(0);
        Assert.Equal(0, await staying);
    }
}
