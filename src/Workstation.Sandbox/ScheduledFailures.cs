namespace Workstation.Sandbox;

/// <summary>"Fail the next N calls, then recover": deterministic fault injection shared by the simulators.</summary>
public sealed class ScheduledFailures
{
    private int _left;

    public int Left
    {
        get => Volatile.Read(ref _left);
        set => Volatile.Write(ref _left, value);
    }

    /// <summary>Consumes one scheduled failure; true while some are left.</summary>
    public bool Take()
    {
        while (true)
        {
            var left = Volatile.Read(ref _left);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _left, left - 1, left) == left) return true;
        }
    }
}
