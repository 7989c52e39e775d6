using Microsoft.Extensions.Options;
using Refit;
using Workstation.Portal.Accounts;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.Uploads;

internal static class UploadsRegistration
{
    /// <summary>Uploads of approved lab reports: the LIS feed, validation, the platform sender on the shared outbox, and
    /// the lab console.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadsOptions>().Bind(configuration.GetSection(UploadsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UploadValidator>();
        services.AddSingleton<UploadIntake>();
        services.AddSingleton<UploadCommands>();
        services.AddSingleton<IUploadCommands>(sp => sp.GetRequiredService<UploadCommands>());
        services.AddSingleton<UploadStatusView>();
        services.AddScoped<UploadConsoleState>();
        services.AddSingleton<IDictionarySync, DictionarySyncCommands>();
        services.AddSingleton<IUploadStatusView>(sp => sp.GetRequiredService<UploadStatusView>());
        services.AddTransient<IOutboxSender, PlatformUploadSender>();
        services.AddSingleton<UploadFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadFeed>());
        services.AddRefitGeneratedClient<ILisReportsApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<UploadsOptions>>().Value.LisBaseUrl ?? new Uri("http://lis.invalid/");
                client.Timeout = TimeSpan.FromSeconds(10);
            });
        services.AddRefitGeneratedClient<IPacsReportsApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<UploadsOptions>>().Value;
                client.BaseAddress = o.PacsBaseUrl ?? o.LisBaseUrl ?? new Uri("http://pacs.invalid/");
                client.Timeout = TimeSpan.FromSeconds(10);
            });
        services.AddSingleton<MasterDataSync>();
        services.AddHostedService<DictionarySyncWorker>();
        services.AddRefitGeneratedClient<IHisRecordsApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<UploadsOptions>>().Value;
                client.BaseAddress = o.HisBaseUrl ?? new Uri("http://his.invalid/");
                client.DefaultRequestHeaders.Add("X-Api-Key", o.HisApiKey);
                client.Timeout = TimeSpan.FromSeconds(10);
            });
        return services;
    }

    /// <summary>The page images of a report in the upload queue (for the console's preview; staff cookie).</summary>
    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/uploads/reports/{number}/pages/{page:int}.png", async (string number, int page, UploadStatusView uploads,
                Reports.ReportPreviewService renderer, CancellationToken ct) =>
            await uploads.FindReportAsync(number, ct) is { } report && renderer.PagePng(report, page) is { } png
                ? Results.File(png, "image/png")
                : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(PortalRoles.LabStaff, PortalRoles.Admin))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>URL of a page image of a queued report.</summary>
    public static string PageUrl(string reportNumber, int page) => $"/uploads/reports/{Uri.EscapeDataString(reportNumber)}/pages/{page}.png";
}
