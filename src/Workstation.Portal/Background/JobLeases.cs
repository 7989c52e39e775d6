using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Background;

/// <summary>Who holds a named background job (the upload feed, the dictionary sync ...) until when.</summary>
internal sealed class JobLease
{
    public string Name { get; set; } = "";

    public string Owner { get; set; } = "";

    public DateTime LeaseUntil { get; set; }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> e)
    {
        e.ToTable("job_leases");
        e.HasKey(x => x.Name);
        e.Property(x => x.Name).HasMaxLength(60);
        e.Property(x => x.Owner).HasMaxLength(80);
    }
}

/// <summary>Runs a job that must not run on two portal instances at once: every instance may try, one holds the
/// lease row (a conditional UPDATE, or the INSERT that creates it) for the pass and gives it back after; a lease
/// whose holder died expires and the next instance takes the job over.</summary>
internal sealed class JobLeases(IDbContextFactory<PortalDbContext> dbFactory, InstanceIdentity identity, TimeProvider time, ILogger<JobLeases> logger)
    : IPreviousRunClaims
{
    /// <summary>This run's name in lease rows.</summary>
    public string Owner { get; } = identity.Owner;

    string IPreviousRunClaims.What => "job leases";

    /// <summary>Lets the jobs an earlier run of this instance held run again at once.</summary>
    public async Task<int> ReleaseAsync(string instancePrefix, string runPrefix, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<JobLease>().Where(l => l.Owner.StartsWith(instancePrefix) && !l.Owner.StartsWith(runPrefix))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.LeaseUntil, DateTime.UnixEpoch), cancellationToken);
    }

    /// <summary>Takes (or renews) the lease of <paramref name="name"/> for <paramref name="duration"/>; false when another
    /// instance holds it.</summary>
    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + duration;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var leases = db.Set<JobLease>();
        var owner = Owner;
        if (await leases.Where(l => l.Name == name && (l.Owner == owner || l.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.LeaseUntil, until), cancellationToken) == 1)
            return true;
        if (await leases.AnyAsync(l => l.Name == name, cancellationToken)) return false;
        leases.Add(new JobLease { Name = name, Owner = owner, LeaseUntil = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return false; // another instance created it first
        }
    }

    /// <summary>Gives the lease back so that any instance may run the next pass at once.</summary>
    public async Task ReleaseAsync(string name)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var owner = Owner;
            await db.Set<JobLease>().Where(l => l.Name == name && l.Owner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.LeaseUntil, DateTime.UnixEpoch));
        }
        catch (Exception ex)
        {
            logger.LogWarning("Lease {Job} not released ({Error}); it expires by itself", name, ex.Message);
        }
    }

    /// <summary>Runs <paramref name="pass"/> holding the lease; returns null (without running it) when another instance
    /// holds it. The lease lasts <paramref name="duration"/>: a pass must renew it (<see cref="TryAcquireAsync"/>) if it
    /// may run longer.</summary>
    public async Task<T?> RunExclusiveAsync<T>(string name, TimeSpan duration, Func<CancellationToken, Task<T>> pass,
        CancellationToken cancellationToken) where T : struct
    {
        if (!await TryAcquireAsync(name, duration, cancellationToken)) return null;
        try
        {
            return await pass(cancellationToken);
        }
        finally
        {
            await ReleaseAsync(name);
        }
    }
}

internal static class BackgroundServiceCollectionExtensions
{
    /// <summary>This instance's identity (claims of an earlier run taken back at start) and leases for background jobs
    /// that run on one instance at a time.</summary>
    public static IServiceCollection AddLeasedJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InstanceOptions>().Bind(configuration.GetSection(InstanceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => InstanceIdentity.FromConfiguration(configuration, sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddHostedService<PreviousRunRelease>();
        services.AddSingleton<JobLeases>();
        services.AddSingleton<IPreviousRunClaims>(sp => sp.GetRequiredService<JobLeases>());
        return services;
    }
}
