using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Alerts;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Review;

/// <summary>The departments and doctors that appear in the decisions and critical values, with their names (filter lists,
/// labels). Read once, then refreshed in the background when older than two minutes: a request never waits for the
/// refresh (reading them costs more than the figures on a large history), and only one refresh runs at a time.</summary>
internal sealed class ReviewDirectory(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, ILogger<ReviewDirectory> logger)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(2);
    private readonly Lock _gate = new();
    private Snapshot? _current;
    private Task<Snapshot>? _refreshing;

    public sealed record Snapshot(IReadOnlyList<NamedCode> Departments, IReadOnlyList<NamedCode> Doctors,
        IReadOnlyDictionary<string, IReadOnlyList<NamedCode>> DoctorsByDepartment, DateTimeOffset ReadAt);

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        Task<Snapshot> refresh;
        lock (_gate)
        {
            if (_current is { } current && time.GetUtcNow() - current.ReadAt < Fresh) return current;
            refresh = _refreshing ??= Task.Run(ReadAsync, CancellationToken.None);
            if (_current is { } stale) return stale; // the refresh runs behind
        }
        return await refresh.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets what was read (a department appeared that the snapshot does not know).</summary>
    public void Invalidate()
    {
        lock (_gate) _current = _current is null ? null : _current with { ReadAt = DateTimeOffset.MinValue };
    }

    private async Task<Snapshot> ReadAsync()
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var doctors = await OrderQueries.Decisions(db).GroupBy(d => new { d.DepartmentCode, d.DoctorId })
                .Select(g => new { g.Key.DepartmentCode, g.Key.DoctorId, DoctorName = g.Max(d => d.DoctorName)!, DepartmentName = g.Max(d => d.DepartmentName)! })
                .ToListAsync();
            var departments = doctors.GroupBy(d => d.DepartmentCode).Select(g => new NamedCode(g.Key, g.Max(d => d.DepartmentName)!)).ToList();
            var alertDepartments = await AlertQueries.Timelines(db).Select(a => a.DepartmentCode).Distinct().ToListAsync();
            departments.AddRange(alertDepartments.Where(a => departments.All(r => r.Code != a)).Select(a => new NamedCode(a, a)));
            var snapshot = new Snapshot(
                departments.OrderBy(d => d.Code, StringComparer.Ordinal).ToList(),
                doctors.GroupBy(d => d.DoctorId).Select(g => new NamedCode(g.Key, g.Max(d => d.DoctorName)!)).OrderBy(d => d.Code, StringComparer.Ordinal).ToList(),
                doctors.GroupBy(d => d.DepartmentCode).ToDictionary(g => g.Key,
                    g => (IReadOnlyList<NamedCode>)g.Select(d => new NamedCode(d.DoctorId, d.DoctorName)).OrderBy(d => d.Code, StringComparer.Ordinal).ToList()),
                time.GetUtcNow());
            lock (_gate) _current = snapshot;
            return snapshot;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Review directory (departments, doctors) not read");
            throw;
        }
        finally
        {
            lock (_gate) _refreshing = null;
        }
    }
}
