using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Alerts;

/// <summary>What other features and the staff pages ask about alerts: recent alerts with their timelines, one alert's
/// steps. The review reads alerts only through here.</summary>
internal sealed class AlertQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Every alert as a timeline row, for the caller to filter and page in the database: when it was reported,
    /// when the accountable doctor was told (its "routed" step), acknowledged and handled, and how far it escalated.</summary>
    public static IQueryable<AlertTimeline> Timelines(PortalDbContext db) =>
        db.Set<CriticalValueAlert>().AsNoTracking().Select(a => new AlertTimeline
        {
            Id = a.Id, Tier = a.Tier, Status = a.Status, DepartmentCode = a.DepartmentCode, PatientId = a.PatientId, PatientName = a.PatientName,
            EncounterId = a.EncounterId, ItemCode = a.ItemCode, ItemName = a.ItemName, Value = a.Value, Unit = a.Unit, SourceRecordId = a.SourceRecordId,
            Specimen = a.SpecimenId != "" ? a.Source + ":" + a.SpecimenId : "", ReportedAt = a.ReportedAt, CreatedAt = a.CreatedAt,
            NotifiedAt = db.Set<AlertStep>().Where(s => s.AlertId == a.Id && s.Kind == AlertStepKinds.Routed).Min(s => (DateTime?)s.At),
            AcknowledgedAt = a.AcknowledgedAt, HandledAt = a.HandledAt, AccountableDoctorId = a.AccountableDoctorId,
            OrderingDoctorId = a.OrderingDoctorId, EscalationLevel = a.EscalationLevel,
        });

    /// <summary>Every alert's steps, untracked, for the caller to filter in the database.</summary>
    public static IQueryable<AlertStep> Steps(PortalDbContext db) => db.Set<AlertStep>().AsNoTracking();

    /// <summary>Recent alerts with their steps, newest first (quality review).</summary>
    public async Task<IReadOnlyList<(CriticalValueAlert Alert, IReadOnlyList<AlertStep> Steps)>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = await db.CriticalValueAlerts.AsNoTracking().OrderByDescending(a => a.CreatedAt).Take(count).ToListAsync(cancellationToken);
        var ids = alerts.Select(a => a.Id).ToList();
        var steps = await db.AlertSteps.AsNoTracking().Where(s => ids.Contains(s.AlertId)).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return alerts.Select(a => (a, (IReadOnlyList<AlertStep>)steps.Where(s => s.AlertId == a.Id).ToList())).ToList();
    }

    public async Task<IReadOnlyList<AlertStep>> StepsAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AlertSteps.AsNoTracking().Where(s => s.AlertId == alertId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
    }
}

/// <summary>An alert's timeline as other features read it (not the entity).</summary>
internal sealed class AlertTimeline
{
    public long Id { get; init; }
    public string Tier { get; init; } = "";
    public string Status { get; init; } = "";
    public string DepartmentCode { get; init; } = "";
    public string PatientId { get; init; } = "";
    public string PatientName { get; init; } = "";
    public string EncounterId { get; init; } = "";
    public string ItemCode { get; init; } = "";
    public string ItemName { get; init; } = "";
    public string Value { get; init; } = "";
    public string Unit { get; init; } = "";

    /// <summary>The LIS/PACS record (one specimen's result) the alert was raised for.</summary>
    public string SourceRecordId { get; init; } = "";

    /// <summary>Source and specimen number (empty when not sent): repeat results of one specimen share it.</summary>
    public string Specimen { get; init; } = "";

    /// <summary>When the laboratory reported the critical value (its appearance).</summary>
    public DateTime ReportedAt { get; init; }

    /// <summary>When the portal received it.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>When the accountable clinician was told (the "routed" step), null if never.</summary>
    public DateTime? NotifiedAt { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
    public DateTime? HandledAt { get; init; }
    public string AccountableDoctorId { get; init; } = "";
    public string OrderingDoctorId { get; init; } = "";
    public int EscalationLevel { get; init; }
}
