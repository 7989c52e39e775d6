using System.ComponentModel.DataAnnotations;
using Workstation.Reports;

namespace Workstation.Portal.Reports;

/// <summary>Report PDFs (section <c>Reports</c>).</summary>
public sealed class ReportsOptions : IValidatableObject
{
    public const string Section = "Reports";

    /// <summary>A CJK TrueType font (.ttf/.ttc) to embed in report PDFs; empty: Debian's fonts-wqy-zenhei.</summary>
    public string? FontPath { get; set; }

    /// <summary>The portal cannot produce a report another hospital can read without a CJK font: it refuses to start,
    /// saying which package to install.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var problem = ReportFont.TryLoad(FontPath, out var font);
        font?.Dispose();
        if (problem is not null) yield return new ValidationResult(problem, [nameof(FontPath)]);
    }
}
