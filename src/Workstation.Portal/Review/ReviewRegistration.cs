using Microsoft.AspNetCore.Authentication.Cookies;
using Workstation.Portal.Accounts;

namespace Workstation.Portal.Review;

/// <summary>The quality-review feature registers itself; Hosting only calls these two.</summary>
internal static class ReviewRegistration
{
    /// <summary>Staff cookie with the QualityOfficer or Admin role (doctors' launch sessions carry no cookie).</summary>
    public const string Policy = "Review";

    /// <summary>Comma list for <c>[Authorize(Roles = ...)]</c> on the review pages.</summary>
    public const string Roles = PortalRoles.QualityOfficer + "," + PortalRoles.Admin;

    public static IServiceCollection AddReview(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReviewOptions>().Bind(configuration.GetSection(ReviewOptions.Section))
            .Configure<Microsoft.Extensions.Options.IOptions<Localization.LocalTimeOptions>>((o, local) => o.UtcOffset = local.Value.UtcOffset)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
            .RequireRole(PortalRoles.QualityOfficer, PortalRoles.Admin));
        services.AddSingleton<ReviewDirectory>();
        services.AddTransient<ReviewExplorer>();
        services.AddTransient<ReviewMarking>();
        services.AddTransient<ReviewSummaryService>();
        services.AddSingleton<FreshReads<ReviewSummary>>();
        services.AddTransient<CriticalValueReview>();
        services.AddTransient<AuditLog>();
        // Pre-computed days: the change marks ride on every SaveChanges, the pre-computer runs on one instance at a time.
        services.AddSingleton<ReviewDayRows>();
        services.AddSingleton<ReviewChangeMarks>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.ISaveChangesInterceptor>(sp => sp.GetRequiredService<ReviewChangeMarks>());
        services.AddSingleton<Storage.IAddedRowRule>(sp => sp.GetRequiredService<ReviewChangeMarks>());
        services.AddSingleton<ReviewPrecomputer>();
        services.AddHostedService(sp => sp.GetRequiredService<ReviewPrecomputer>());
        return services;
    }

    public static IEndpointRouteBuilder MapReview(this IEndpointRouteBuilder app) => app.MapReviewEndpoints();
}
