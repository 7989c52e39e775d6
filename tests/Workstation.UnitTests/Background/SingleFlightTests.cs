using Workstation.Portal.Background;

namespace Workstation.UnitTests.Background;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task A_caller_arriving_while_the_work_runs_gets_that_run_s_result_without_starting_another()
    {
        var flights = new SingleFlight<long, int>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = 0;
        Task<int> Work() { Interlocked.Increment(ref starts); return release.Task; }

        var first = flights.RunAsync(7, Work);
        var second = flights.RunAsync(7, Work);
        var other = flights.RunAsync(8, () => { Interlocked.Increment(ref starts); return Task.FromResult(99); });
        Assert.Equal(99, await other);
        Assert.False(first.IsCompleted);
        Assert.Equal(1, flights.Running);

        release.SetResult(42);
        var results = await Task.WhenAll(first, second);
        Assert.Equal([42, 42], results);
        Assert.Equal(2, starts); // key 7 once, key 8 once
        Assert.Equal(0, flights.Running);
    }

    [Fact]
    public async Task After_a_run_ends_the_next_call_runs_the_work_again_and_a_failure_is_not_kept()
    {
        var flights = new SingleFlight<string, int>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => flights.RunAsync("k", () => Task.FromException<int>(new InvalidOperationException("down"))));
        Assert.Equal(5, await flights.RunAsync("k", () => Task.FromResult(5)));
        Assert.Equal(6, await flights.RunAsync("k", () => Task.FromResult(6)));
        Assert.Equal(0, flights.Running);
    }

    [Fact]
    public async Task Callers_sharing_a_failed_run_all_see_its_exception()
    {
        var flights = new SingleFlight<int, int>();
        var fail = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = flights.RunAsync(1, () => fail.Task);
        var b = flights.RunAsync(1, () => Task.FromResult(1));
        fail.SetException(new TimeoutException("slow"));
        await Assert.ThrowsAsync<TimeoutException>(() => a);
        await Assert.ThrowsAsync<TimeoutException>(() => b);
    }
}
