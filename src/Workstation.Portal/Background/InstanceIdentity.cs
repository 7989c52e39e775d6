using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Workstation.Portal.Background;

/// <summary>Which portal instance this is (section <c>Instance</c>).</summary>
internal sealed class InstanceOptions
{
    public const string Section = "Instance";

    /// <summary>A name unique among the running instances, the same across restarts of one instance (e.g. the host name
    /// and the systemd instance). Empty: this machine's name, the content root and the listening URLs.</summary>
    [MaxLength(200)]
    public string? Name { get; set; }
}

/// <summary>This portal instance, as the claims it writes name it (outbox leases, job leases, presence rows):
/// <c>{key}.{run}.{pid}</c>, where the key stands for the instance's name and the run is new at every start.
/// While a run lives it holds a lock on a file named after its key on this machine; the kernel lets go of it when the
/// process ends, however it ends. A new run that gets the lock therefore knows that every earlier run of its name is
/// dead, and takes their claims back at once instead of waiting for their leases to run out
/// (<see cref="IPreviousRunClaims"/>). A run that cannot get it (a second host of the same name in one process, in the
/// tests) works under a key of its own and takes nothing back.</summary>
internal sealed class InstanceIdentity : IDisposable
{
    private FileStream? _lock;

    public InstanceIdentity(string name)
    {
        Name = name;
        Run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var key = KeyOf(name);
        _lock = TryLock(key);
        OwnsName = _lock is not null;
        Key = OwnsName ? key : KeyOf(name + "/" + Run);
    }

    /// <summary>The instance's name (configured, or derived from the machine and the listening URLs).</summary>
    public string Name { get; }

    /// <summary>12 hex digits standing for <see cref="Name"/> in claims.</summary>
    public string Key { get; }

    /// <summary>8 hex digits, new at every start.</summary>
    public string Run { get; }

    /// <summary>Whether this run holds its name on this machine, so that every earlier run of it has ended.</summary>
    public bool OwnsName { get; }

    /// <summary>How this run signs its claims (at most 29 characters).</summary>
    public string Owner => $"{Key}.{Run}.{Environment.ProcessId}";

    /// <summary>The start of every claim made by any run of this instance.</summary>
    public string InstancePrefix => Key + ".";

    /// <summary>The start of every claim made by this run.</summary>
    public string RunPrefix => $"{Key}.{Run}.";

    /// <summary>The name from <see cref="InstanceOptions.Name"/>, or this machine's name, content root and URLs.</summary>
    public static InstanceIdentity FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetSection(InstanceOptions.Section).Get<InstanceOptions>()?.Name;
        return new InstanceIdentity(string.IsNullOrWhiteSpace(configured)
            ? $"{Environment.MachineName}|{contentRoot}|{configuration["urls"]}"
            : configured.Trim());
    }

    private static string KeyOf(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];

    private static FileStream? TryLock(string key)
    {
        try
        {
            // FileShare.None is an exclusive flock on Unix (a sharing lock on Windows): released when the process ends.
            return new FileStream(Path.Combine(Path.GetTempPath(), $"workstation-instance-{key}.lock"), FileMode.OpenOrCreate,
                FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null; // a live process (or another host in this one) has this name
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Lets go of the name (at shutdown; a process that dies lets go of it anyway).</summary>
    public void Dispose() => Interlocked.Exchange(ref _lock, null)?.Dispose();
}

/// <summary>Claims a feature or mechanism keeps in the database under <see cref="InstanceIdentity.Owner"/>, which a new
/// run of the same instance releases at start (their holder is dead).</summary>
internal interface IPreviousRunClaims
{
    /// <summary>Releases the claims whose owner starts with <paramref name="instancePrefix"/> but not with
    /// <paramref name="runPrefix"/>; returns how many.</summary>
    Task<int> ReleaseAsync(string instancePrefix, string runPrefix, CancellationToken cancellationToken);

    /// <summary>Names the claims in the log.</summary>
    string What { get; }
}

/// <summary>At start, before any worker claims anything: releases what earlier runs of this instance held.</summary>
internal sealed class PreviousRunRelease(InstanceIdentity identity, IEnumerable<IPreviousRunClaims> claims, ILogger<PreviousRunRelease> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!identity.OwnsName) return;
        foreach (var claim in claims)
        {
            var released = await claim.ReleaseAsync(identity.InstancePrefix, identity.RunPrefix, cancellationToken);
            if (released > 0)
                logger.LogWarning("Took back {Count} {What} held by an earlier run of this instance (it ended without letting go)", released, claim.What);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
