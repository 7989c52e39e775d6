using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Platform.Contract;
using Workstation.Portal.Audit;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Uploads;

/// <summary>What was last sent to the platform for one patient or dictionary entry (a hash of its fields), so that only
/// new or changed records are uploaded (seed 003 items 1–3).</summary>
internal sealed class SyncedRecord
{
    /// <summary>patient | department | staff.</summary>
    public string Kind { get; set; } = "";

    public string Key { get; set; } = "";

    public string Hash { get; set; } = "";

    public DateTime QueuedAt { get; set; }
}

internal sealed class SyncedRecordConfiguration : IEntityTypeConfiguration<SyncedRecord>
{
    public void Configure(EntityTypeBuilder<SyncedRecord> e)
    {
        e.ToTable("synced_records");
        e.HasKey(x => new { x.Kind, x.Key });
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Key).HasMaxLength(64);
        e.Property(x => x.Hash).HasMaxLength(64);
    }
}

/// <summary>Result of a dictionary sync: how many entries were compared and how many queued.</summary>
internal sealed record DictionarySyncResult(int Departments, int Staff, int Queued, DateTime At);

/// <summary>Patients (新建档 or changed) and the department and staff dictionaries, from HIS to the platform through the
/// shared outbox: a record goes up when it is new or its fields changed; a full resync sends everything again.</summary>
internal sealed class MasterDataSync(IDbContextFactory<PortalDbContext> dbFactory, OutboxWriter outbox, Background.JobLeases leases, TimeProvider time)
{
    public static class Types
    {
        public const string Patient = "upload-patient-master";
        public const string Department = "upload-department";
        public const string Staff = "upload-staff";
    }

    /// <summary>Queues the patient when new or changed; returns whether anything was queued (saved by the caller).</summary>
    public async Task<bool> QueuePatientAsync(PortalDbContext db, HisPatientRecord p, CancellationToken cancellationToken)
    {
        var upload = new PatientUpload(new PatientIdentity(p.IdType, p.IdNumber, p.Name), p.Sex, p.BirthDate, p.Phone, p.PatientCode);
        return await QueueIfChangedAsync(db, "patient", $"{p.IdType}:{p.IdNumber}", Types.Patient, upload, full: false, cancellationToken);
    }

    /// <summary>The job lease of the dictionary comparison: one instance (worker or button) at a time.</summary>
    public const string DictionaryLease = "uploads.dictionaries";

    /// <summary><see cref="SyncDictionariesAsync"/> holding the dictionary lease; null (nothing done) while another
    /// instance is comparing.</summary>
    public async Task<DictionarySyncResult?> SyncDictionariesExclusiveAsync(IHisRecordsApi his, bool full, string actor, CancellationToken cancellationToken) =>
        (await leases.RunExclusiveAsync(DictionaryLease, TimeSpan.FromMinutes(5),
            async ct => ValueTuple.Create(await SyncDictionariesAsync(his, full, actor, ct)), cancellationToken))?.Item1;

    /// <summary>Reads both dictionaries from HIS and queues what is new or changed (everything when <paramref name="full"/>).</summary>
    public async Task<DictionarySyncResult> SyncDictionariesAsync(IHisRecordsApi his, bool full, string actor, CancellationToken cancellationToken)
    {
        var departments = await his.GetDepartmentsAsync(cancellationToken);
        var staff = await his.GetStaffAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var queued = 0;
        foreach (var d in departments)
            queued += await QueueIfChangedAsync(db, "department", d.Code, Types.Department, new DepartmentUpload(d.Code, d.Name, d.ParentCode, d.Active), full, cancellationToken) ? 1 : 0;
        foreach (var s in staff)
            queued += await QueueIfChangedAsync(db, "staff", s.Code, Types.Staff, new StaffUpload(s.Code, s.Name, s.DepartmentCode, s.Title, s.Active), full, cancellationToken) ? 1 : 0;
        var now = time.GetUtcNow().UtcDateTime;
        AuditTrail.Add(db, now, actor, full ? "dictionary.resync" : "dictionary.sync",
            detail: $"{departments.Count} departments, {staff.Count} staff, {queued} queued");
        await db.SaveChangesAsync(cancellationToken);
        outbox.Signal();
        return new DictionarySyncResult(departments.Count, staff.Count, queued, now);
    }

    /// <summary>The last dictionary sync (from the audit trail), and what is still waiting in the outbox.</summary>
    public async Task<(DateTime? LastSync, int Pending)> StatusAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var last = await db.AuditEvents.AsNoTracking().Where(a => a.Action == "dictionary.sync" || a.Action == "dictionary.resync")
            .OrderByDescending(a => a.At).Select(a => (DateTime?)a.At).FirstOrDefaultAsync(cancellationToken);
        var pending = await db.Outbox.CountAsync(m => (m.Type == Types.Department || m.Type == Types.Staff)
            && m.State != OutboxStates.Delivered && m.State != OutboxStates.Cancelled, cancellationToken);
        return (last, pending);
    }

    private async Task<bool> QueueIfChangedAsync<T>(PortalDbContext db, string kind, string key, string type, T payload, bool full,
        CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(payload);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
        var record = await db.Set<SyncedRecord>().FindAsync([kind, key], cancellationToken);
        if (record is not null && record.Hash == hash && !full) return false;
        var now = time.GetUtcNow().UtcDateTime;
        if (record is null) db.Add(record = new SyncedRecord { Kind = kind, Key = key });
        record.Hash = hash;
        record.QueuedAt = now;
        // One message per version of the record; a later version goes after it (same ordering key).
        outbox.Add(db, $"{kind}:{key}:{hash}:{now.Ticks}", UploadMessages.Destination, type, $"{kind}:{key}", json);
        return true;
    }
}
