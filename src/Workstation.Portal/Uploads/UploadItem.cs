using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Workstation.Portal.Uploads;

/// <summary>Where a report stands before the outbox takes over. Once queued, its progress is the state of its outbox
/// messages (ordering key <c>report:{number}</c>), not copied here.</summary>
internal static class UploadStages
{
    /// <summary>Failed validation: never sent; the reason is shown in Chinese.</summary>
    public const string Held = "held";

    /// <summary>The department uploads after lab staff approve.</summary>
    public const string AwaitingApproval = "awaiting";

    /// <summary>Handed to the outbox (patient, data, PDF in that order).</summary>
    public const string Queued = "queued";

    /// <summary>Withdrawn before anything left: its messages were cancelled.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Withdrawn after upload: a revocation was queued.</summary>
    public const string Revoking = "revoking";
}

/// <summary>One approved report of this hospital on its way to the platform.</summary>
internal sealed class UploadItem
{
    public long Id { get; set; }

    public string ReportNumber { get; set; } = "";

    /// <summary>lab | exam.</summary>
    public string Kind { get; set; } = "";

    public string Source { get; set; } = "";

    public string DepartmentCode { get; set; } = "";

    public string PatientName { get; set; } = "";

    public string ItemName { get; set; } = "";

    /// <summary>One of <see cref="UploadStages"/>.</summary>
    public string Stage { get; set; } = UploadStages.AwaitingApproval;

    /// <summary>Why the report is held, in plain Chinese (one reason per line).</summary>
    public string? HoldReason { get; set; }

    /// <summary>The report as the LIS/PACS approved it (Workstation.Reports model, JSON).</summary>
    public string ReportJson { get; set; } = "";

    public DateTime ApprovedAt { get; set; }

    public DateTime ReceivedAt { get; set; }

    /// <summary>Lab staff who approved the upload (approval-first departments), or "auto".</summary>
    public string? ReleasedBy { get; set; }

    public DateTime? ReleasedAt { get; set; }

    public string? RevokeReason { get; set; }

    public string OrderingKey => UploadMessages.ReportKey(ReportNumber);
}

/// <summary>How far the upload feed has read the inbound events.</summary>
internal sealed class FeedCursor : Storage.IVersioned
{
    public string Name { get; set; } = "";

    public long Position { get; set; }

    /// <summary>A pass whose job lease was taken over cannot move the cursor back over the new holder's work.</summary>
    public int Version { get; set; }
}

internal sealed class UploadItemConfiguration : IEntityTypeConfiguration<UploadItem>
{
    public void Configure(EntityTypeBuilder<UploadItem> e)
    {
        e.ToTable("upload_items");
        e.Property(x => x.ReportNumber).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(8);
        e.Property(x => x.Source).HasMaxLength(16);
        e.Property(x => x.DepartmentCode).HasMaxLength(32);
        e.Property(x => x.PatientName).HasMaxLength(64);
        e.Property(x => x.ItemName).HasMaxLength(64);
        e.Property(x => x.Stage).HasMaxLength(12);
        e.Property(x => x.HoldReason).HasMaxLength(1000);
        e.Property(x => x.ReleasedBy).HasMaxLength(64);
        e.Property(x => x.RevokeReason).HasMaxLength(200);
        e.Ignore(x => x.OrderingKey);
        e.HasIndex(x => x.ReportNumber).IsUnique();
        e.HasIndex(x => new { x.Stage, x.DepartmentCode });
    }
}

internal sealed class FeedCursorConfiguration : IEntityTypeConfiguration<FeedCursor>
{
    public void Configure(EntityTypeBuilder<FeedCursor> e)
    {
        e.ToTable("feed_cursors");
        e.HasKey(x => x.Name);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Property(x => x.Name).HasMaxLength(32);
    }
}
