using System.ComponentModel.DataAnnotations;
using Workstation.Reports;

namespace Workstation.Portal.Reports;

/// <summary>Report PDFs (section <c>Reports</c>).</summary>
internal sealed class ReportsOptions : IValidatableObject
{
    public const string Section = "Reports";

    /// <summary>A CJK TrueType font (.ttf/.ttc) to embed in report PDFs; empty: the WenQuanYi Micro Hei Workstation
    /// brings (decision 0015).</summary>
    public string? FontPath { get; set; }

    /// <summary>A font that is configured and unusable is an operator's mistake: the portal refuses to start, naming
    /// the key. Left empty, the bundled font is always there.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var problem = ReportFont.TryLoad(FontPath, out var font);
        font?.Dispose();
        if (problem is not null) yield return new ValidationResult(problem, [nameof(FontPath)]);
    }
}
