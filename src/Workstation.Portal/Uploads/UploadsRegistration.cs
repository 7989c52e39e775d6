using Microsoft.Extensions.Options;
using Refit;
using Workstation.Portal.Outbox;

namespace Workstation.Portal.Uploads;

public static class UploadsRegistration
{
    /// <summary>Uploads of approved lab reports: the LIS feed, validation, the platform sender on the shared outbox, and
    /// the lab console.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadsOptions>().Bind(configuration.GetSection(UploadsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UploadValidator>();
        services.AddSingleton<UploadService>();
        services.AddTransient<IOutboxSender, PlatformUploadSender>();
        services.AddSingleton<UploadFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadFeed>());
        services.AddRefitGeneratedClient<ILisReportsApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<UploadsOptions>>().Value.LisBaseUrl ?? new Uri("http://lis.invalid/");
                client.Timeout = TimeSpan.FromSeconds(10);
            });
        return services;
    }
}
