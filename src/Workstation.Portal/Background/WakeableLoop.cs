namespace Workstation.Portal.Background;

/// <summary>The loop of every background worker: a pass every interval on the worker's clock, or at once when
/// <see cref="Wake"/> is called (new work was committed, the platform came back); a failing pass is logged with its
/// exception and the loop goes on. The interval is read before every wait, so a changed option takes effect, and a pass
/// may choose the next wait itself (a shorter one after a failure).</summary>
internal sealed class WakeableLoop(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Runs the next pass now rather than at the end of the interval (several wakes make one pass).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // a pass is already due
        }
    }

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled: wait, pass, wait, pass …</summary>
    /// <param name="interval">Read before every wait.</param>
    /// <param name="pass">One pass of the work.</param>
    /// <param name="what">Names the work in the log when a pass fails.</param>
    /// <param name="passFirst">Run a pass before the first wait (work due at start).</param>
    public Task RunAsync(Func<TimeSpan> interval, Func<CancellationToken, Task> pass, ILogger logger, string what,
        CancellationToken stoppingToken, bool passFirst = false) =>
        RunAsync(async ct =>
        {
            await pass(ct);
            return interval();
        }, interval, logger, what, stoppingToken, passFirst);

    /// <summary>As <see cref="RunAsync(Func{TimeSpan}, Func{CancellationToken, Task}, ILogger, string, CancellationToken, bool)"/>,
    /// where each pass returns how long to wait before the next; <paramref name="afterFailure"/> is waited after a pass
    /// that threw.</summary>
    public async Task RunAsync(Func<CancellationToken, Task<TimeSpan>> pass, Func<TimeSpan> afterFailure, ILogger logger, string what,
        CancellationToken stoppingToken, bool passFirst = false)
    {
        var wait = passFirst ? TimeSpan.Zero : afterFailure();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (wait > TimeSpan.Zero) await WaitAsync(wait, stoppingToken);
                wait = await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Work} pass failed; will try again", what);
                wait = afterFailure();
            }
        }
    }

    /// <summary>Waits for a wake or for <paramref name="interval"/> on the loop's clock, whichever comes first.</summary>
    private async Task WaitAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.WaitAsync(either.Token);
        var elapsed = Task.Delay(interval, _time, either.Token);
        await Task.WhenAny(woken, elapsed);
        either.Cancel(); // the other one is no longer wanted (a wake not taken stays for the next wait)
        stoppingToken.ThrowIfCancellationRequested();
    }
}
