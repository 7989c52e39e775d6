namespace Workstation.Portal.Background;

/// <summary>The loop of a background worker: a pass every interval, or at once when <see cref="Wake"/> is called (new
/// work was committed, the platform came back); a failing pass is logged and the loop goes on.</summary>
public sealed class WakeableLoop
{
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

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <param name="interval">Read before every wait, so a changed option takes effect.</param>
    /// <param name="pass">One pass of the work.</param>
    /// <param name="what">Names the work in the log when a pass fails.</param>
    public async Task RunAsync(Func<TimeSpan> interval, Func<CancellationToken, Task> pass, ILogger logger, string what,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(interval(), stoppingToken);
                await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Work} pass failed; will try again", what);
            }
        }
    }
}
