using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Recognition;

/// <summary>Where a listing was seen: the badge's list, or the reports an order check matched.</summary>
internal static class ListingSources
{
    public const string Badge = "badge";
    public const string Check = "check";
}

/// <summary>A recognisable report the platform listed for a patient in an encounter, stored once per (encounter, report):
/// the denominator of national goal 10 (docs/review-definitions.md). Written behind the answer, never edited.</summary>
internal sealed class ListedReport
{
    public long Id { get; set; }

    public string ClientId { get; set; } = "";

    public string EncounterId { get; set; } = "";

    /// <summary>The patient's id in HIS (as on the decisions).</summary>
    public string PatientId { get; set; } = "";

    public string ReportId { get; set; } = "";

    public string ItemCode { get; set; } = "";

    /// <summary>The producing institution's name (as on the decisions).</summary>
    public string Institution { get; set; } = "";

    public DateTime ReportDate { get; set; }

    public DateTime ValidUntil { get; set; }

    /// <summary>False when the platform listed it as expired or revoked: it counts in neither figure.</summary>
    public bool Recognisable { get; set; }

    public DateTime ListedAt { get; set; }

    public string DoctorId { get; set; } = "";

    public string DepartmentCode { get; set; } = "";

    public string Setting { get; set; } = "";

    /// <summary><see cref="ListingSources"/>.</summary>
    public string Source { get; set; } = "";
}

internal sealed class ListedReportConfiguration : IEntityTypeConfiguration<ListedReport>
{
    public void Configure(EntityTypeBuilder<ListedReport> e)
    {
        e.ToTable("listed_reports");
        e.Property(l => l.ClientId).HasMaxLength(40);
        e.Property(l => l.EncounterId).HasMaxLength(40);
        e.Property(l => l.PatientId).HasMaxLength(32);
        e.Property(l => l.ReportId).HasMaxLength(80);
        e.Property(l => l.ItemCode).HasMaxLength(16);
        e.Property(l => l.Institution).HasMaxLength(80);
        e.Property(l => l.DoctorId).HasMaxLength(32);
        e.Property(l => l.DepartmentCode).HasMaxLength(32);
        e.Property(l => l.Setting).HasMaxLength(16);
        e.Property(l => l.Source).HasMaxLength(8);
        e.HasIndex(l => new { l.ClientId, l.EncounterId, l.ReportId }).IsUnique();
        e.HasIndex(l => new { l.PatientId, l.ReportId, l.ListedAt });
        e.HasIndex(l => l.ListedAt);
    }
}

/// <summary>The recognition feature's table on the portal's context.</summary>
internal static class RecognitionTables
{
    extension(PortalDbContext db)
    {
        public DbSet<ListedReport> ListedReports => db.Set<ListedReport>();
    }
}

/// <summary>What other features read of the listings (the review's goal-10 denominator): untracked, for the caller to
/// filter in the database.</summary>
internal static class ListingQueries
{
    public static IQueryable<ListedReport> Listed(PortalDbContext db) => db.ListedReports.AsNoTracking();
}
