namespace Workstation.Portal.Background;

/// <summary>Waits for the host to have started. A worker whose first pass calls another system waits for it: by then
/// every hosted service (the demo's in-process simulators included) and Kestrel are up, so the first pass does not fail
/// only because it ran first.</summary>
internal static class HostStart
{
    /// <summary>True once the host has started; false when it is stopping before that.</summary>
    public static async Task<bool> WaitAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
