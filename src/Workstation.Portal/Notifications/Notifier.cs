namespace Workstation.Portal.Notifications;

/// <summary>In-process publish/subscribe of one kind of event. Listeners run on the publisher's thread and must not
/// block (components hop to their renderer with <c>InvokeAsync</c>); a failing listener does not stop the others.</summary>
internal class Notifier<T>(ILogger<Notifier<T>> logger)
{
    private readonly Lock _gate = new();
    private readonly List<Action<T>> _listeners = [];

    /// <summary>Runs <paramref name="listener"/> for every event until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Action<T> listener)
    {
        lock (_gate) _listeners.Add(listener);
        return new Subscription(() => { lock (_gate) _listeners.Remove(listener); });
    }

    public void Publish(T value)
    {
        Action<T>[] listeners;
        lock (_gate) listeners = [.. _listeners];
        foreach (var listener in listeners)
        {
            try
            {
                listener(value);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A {Event} listener failed", typeof(T).Name);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
