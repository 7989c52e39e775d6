using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Workstation.Portal.Accounts;
using Workstation.Reports;

namespace Workstation.Portal.Reports;

/// <summary>The report templates feature: options (the font, checked at start), the renderer, the preview and its endpoints.</summary>
internal static class ReportsRegistration
{
    /// <summary>Who may see this hospital's reports before upload.</summary>
    public const string Roles = PortalRoles.LabStaff + "," + PortalRoles.Admin;

    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportsOptions>().Bind(configuration.GetSection(ReportsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // Resolving the options validates them: a missing font stops the portal with the package to install.
        services.AddSingleton(sp => ReportFont.Load(sp.GetRequiredService<IOptions<ReportsOptions>>().Value.FontPath));
        services.AddSingleton(sp => new ReportRenderer(sp.GetRequiredService<ReportFont>(), sp.GetRequiredService<TimeProvider>()));
        services.AddMemoryCache();
        services.AddSingleton<ReportPreviewService>();
        services.AddSingleton<IApprovedReports, SampleApprovedReports>();
        return services;
    }

    /// <summary>PDF and page images of approved reports, for signed-in lab staff (staff cookie).</summary>
    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/reports").RequireAuthorization(new AuthorizeAttribute { Roles = Roles }).ExcludeFromDescription();
        reports.MapGet("/{number}.pdf", (string number, IApprovedReports approved, ReportPreviewService preview) =>
            approved.Find(number) is { } report
                ? Results.File(preview.Pdf(report), "application/pdf", $"{number}.pdf")
                : Results.NotFound());
        reports.MapGet("/{number}/pages/{page:int}.png", (string number, int page, IApprovedReports approved, ReportPreviewService preview, HttpContext http) =>
        {
            if (approved.Find(number) is not { } report || preview.PagePng(report, page) is not { } png) return Results.NotFound();
            http.Response.Headers.CacheControl = "private, max-age=300";
            return Results.File(png, "image/png");
        });
        return app;
    }
}
